namespace Alumio.Webhooks.Configuration;

/// <summary>The webhook configuration is invalid. Thrown at start-up, listing every problem at once.</summary>
public sealed class AlumioConfigurationException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="AlumioConfigurationException"/> class.</summary>
    public AlumioConfigurationException()
        : this(["The webhook configuration is invalid."])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AlumioConfigurationException"/> class.</summary>
    /// <param name="message">The single problem.</param>
    public AlumioConfigurationException(string message)
        : this([message])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AlumioConfigurationException"/> class.</summary>
    /// <param name="message">The single problem.</param>
    /// <param name="innerException">The cause.</param>
    public AlumioConfigurationException(string message, Exception? innerException)
        : base(Format([message]), innerException)
    {
        Errors = [message];
    }

    /// <summary>Initializes a new instance of the <see cref="AlumioConfigurationException"/> class.</summary>
    /// <param name="errors">Every problem found.</param>
    public AlumioConfigurationException(IReadOnlyList<string> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string Format(IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return $"The Alumio webhook configuration has {errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}:"
            + string.Concat(errors.Select(error => Environment.NewLine + " - " + error));
    }
}
