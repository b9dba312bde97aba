using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace Alumio.Webhooks.Outgoing;

/// <summary>Writes an entity as the body of the <c>http</c> outgoing: JSON, XML or a form.</summary>
internal static class HttpBodyWriter
{
    private static readonly XmlWriterSettings XmlSettings = new() { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false, Indent = false };

    public static (byte[] Body, MediaTypeHeaderValue ContentType) Write(JsonNode entity, HttpOutgoingOptions options) => options.Body switch
    {
        HttpBodyFormat.Xml => (Xml(entity, options.XmlRoot), new MediaTypeHeaderValue("application/xml") { CharSet = "utf-8" }),
        HttpBodyFormat.Form => (Encoding.ASCII.GetBytes(Form(entity, options.FormEncoding)), new MediaTypeHeaderValue("application/x-www-form-urlencoded")),
        _ => (Encoding.UTF8.GetBytes(entity.ToJsonString()), new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }),
    };

    /// <summary>The entity as XML by the reverse of the <c>xml</c> parser's mapping.</summary>
    public static byte[] Xml(JsonNode entity, string root)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, XmlSettings))
        {
            writer.WriteStartDocument();
            WriteElement(writer, root, entity);
            writer.WriteEndDocument();
        }

        return stream.ToArray();
    }

    /// <summary>The entity as a form body, as PHP's <c>http_build_query</c> writes it.</summary>
    public static string Form(JsonNode entity, FormEncoding encoding)
    {
        var pairs = new StringBuilder();
        AddFormPairs(pairs, null, entity, encoding);
        return pairs.ToString();
    }

    private static void WriteElement(XmlWriter writer, string name, JsonNode? node)
    {
        writer.WriteStartElement(XmlConvert.EncodeLocalName(name));
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key.Length > 1 && key[0] == '@' && value is JsonValue attribute)
                    {
                        writer.WriteAttributeString(XmlConvert.EncodeLocalName(key[1..]), Scalar(attribute));
                    }
                }

                foreach (var (key, value) in obj)
                {
                    if (key == "#text")
                    {
                        if (value is JsonValue text)
                        {
                            writer.WriteString(Scalar(text));
                        }
                    }
                    else if (key.Length > 1 && key[0] == '@' && value is JsonValue)
                    {
                        continue;
                    }
                    else if (value is JsonArray repeated)
                    {
                        foreach (var element in repeated)
                        {
                            WriteElement(writer, key, element);
                        }
                    }
                    else
                    {
                        WriteElement(writer, key, value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var element in array)
                {
                    WriteElement(writer, "item", element);
                }

                break;
            case JsonValue value:
                writer.WriteString(Scalar(value));
                break;
        }

        writer.WriteEndElement();
    }

    private static void AddFormPairs(StringBuilder pairs, string? prefix, JsonNode? node, FormEncoding encoding)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    AddFormPairs(pairs, prefix is null ? key : prefix + "[" + key + "]", value, encoding);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var index = i.ToString(CultureInfo.InvariantCulture);
                    AddFormPairs(pairs, prefix is null ? index : prefix + "[" + index + "]", array[i], encoding);
                }

                break;
            case JsonValue value when prefix is not null:
                var text = value.GetValueKind() switch
                {
                    JsonValueKind.True => "1",
                    JsonValueKind.False => "0",
                    _ => Scalar(value),
                };
                if (pairs.Length > 0)
                {
                    pairs.Append('&');
                }

                pairs.Append(Escape(prefix, encoding)).Append('=').Append(Escape(text, encoding));
                break;

            // A null is left out, as http_build_query does; a bare scalar entity has no key to send it under.
        }
    }

    private static string Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.ToJsonString(),
    };

    /// <summary>Percent-encodes UTF-8 bytes: RFC 1738 keeps letters, digits and <c>-_.</c> and writes a space as <c>+</c>; RFC 3986 also keeps <c>~</c> and writes a space as <c>%20</c>.</summary>
    internal static string Escape(string text, FormEncoding encoding)
    {
        var result = new StringBuilder(text.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' || (c == '~' && encoding == FormEncoding.Rfc3986))
            {
                result.Append(c);
            }
            else if (c == ' ' && encoding == FormEncoding.Rfc1738)
            {
                result.Append('+');
            }
            else
            {
                result.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return result.ToString();
    }
}
