using Microsoft.AspNetCore.Http;

namespace Alumio.Webhooks.AspNetCore.Endpoints;

/// <summary>Writes RFC 9457 problem details, through the host's <c>IProblemDetailsService</c> when it has one.</summary>
internal static class Problems
{
    public static Task WriteAsync(HttpContext context, int statusCode, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: statusCode, title: title, instance: context.Request.Path, extensions: extensions)
            .ExecuteAsync(context);
}
