namespace Alumio.Webhooks.Configuration;

/// <summary>Host-level settings of Alumio.Webhooks.</summary>
public sealed class AlumioWebhooksOptions
{
    /// <summary>
    /// Gets or sets the path under which endpoints are mapped: webhooks at <c>{BasePath}/webhook/{identifier}</c>,
    /// tasks at <c>{BasePath}/tasks</c>.
    /// </summary>
    /// <value>Defaults to <c>/api/v1</c>. Must start with <c>/</c>; a trailing <c>/</c> is ignored.</value>
    public string BasePath { get; set; } = "/api/v1";
}
