using Alumio.Webhooks.Receiving;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Sample;

/// <summary>
/// A request validator of the host's own: the warehouse must say it sends XML. Registered in
/// Program.cs as the prototype <c>xml-content-type</c> and named in appsettings.json.
/// </summary>
public sealed class XmlContentTypeValidator : IRequestValidator
{
    public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        var isXml = string.Equals(mediaType, "application/xml", StringComparison.OrdinalIgnoreCase)
            || string.Equals(mediaType, "text/xml", StringComparison.OrdinalIgnoreCase);
        return ValueTask.FromResult(isXml
            ? RequestValidationResult.Success
            : RequestValidationResult.Fail(415, "Send shipments as XML, with Content-Type: application/xml."));
    }
}
