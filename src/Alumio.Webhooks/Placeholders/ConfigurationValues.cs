using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Placeholders;

/// <summary>Where <c>${NAME}</c> placeholders are looked up: the application's configuration, or the environment without one.</summary>
internal static class ConfigurationValues
{
    public static Resolve Resolver(IConfiguration? configuration) =>
        configuration is null
            ? new Resolve(Environment.GetEnvironmentVariable, " as an environment variable")
            : new Resolve(name => configuration[name], " in the configuration");

    /// <summary>The resolver of the application: its <see cref="IConfiguration"/> when it has one registered.</summary>
    public static Resolve Resolver(IServiceProvider services) => Resolver(services.GetService<IConfiguration>());

    /// <summary>Looks a setting up by name.</summary>
    /// <param name="Lookup">Gives the value, or <see langword="null"/> when it is not set.</param>
    /// <param name="Where">Where it was looked for, for messages.</param>
    internal sealed record Resolve(Func<string, string?> Lookup, string Where);
}
