namespace Alumio.Webhooks.Outgoing;

/// <summary>How the <c>http</c> outgoing writes the entity as the request body.</summary>
public enum HttpBodyFormat
{
    /// <summary>The entity as JSON, <c>application/json; charset=utf-8</c>.</summary>
    Json,

    /// <summary>
    /// The entity as XML, <c>application/xml; charset=utf-8</c>, by the reverse of the <c>xml</c> parser's rules: the
    /// root element is named by <see cref="HttpOutgoingOptions.XmlRoot"/>, each key an element, an array repeated
    /// elements, <c>@name</c> keys attributes and <c>#text</c> the element's text.
    /// </summary>
    Xml,

    /// <summary>
    /// The entity as <c>application/x-www-form-urlencoded</c>, as PHP's <c>http_build_query</c> writes it: nested keys
    /// <c>a[b]=1</c>, array elements <c>a[0]=1</c>, <c>true</c>/<c>false</c> as <c>1</c>/<c>0</c>, nulls left out.
    /// </summary>
    Form,
}
