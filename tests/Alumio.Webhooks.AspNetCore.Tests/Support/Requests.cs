using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Alumio.Webhooks.AspNetCore.Tests.Support;

public static class Requests
{
    public const string Shipments = """
        <shipments>
          <shipment id="S-1"><orderId>7</orderId><trackingCode>T7</trackingCode></shipment>
          <shipment id="S-2"><orderId>8</orderId><trackingCode>T8</trackingCode></shipment>
        </shipments>
        """;

    public static HttpRequestMessage Webhook(string path, string body, string? token = "VerySecret", string mediaType = "application/xml", HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, mediaType),
        };
        if (token is not null)
        {
            request.Headers.Add("X-Alumio-Auth", token);
        }

        return request;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static MediaTypeHeaderValue? MediaType(this HttpResponseMessage response) => response.Content.Headers.ContentType;
}
