using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Tests.Parsing;

public class XmlParserTests
{
    private readonly XmlParser _parser = new();

    [Test]
    public async Task Xml_maps_to_json_as_the_architecture_example_says()
    {
        var json = await _parser.ParseSingleAsync("""<shipments><shipment id="1"><orderId>7</orderId></shipment></shipments>""");

        json.Should().Be("""{"shipments":{"shipment":{"@id":"1","orderId":"7"}}}""");
    }

    [Test]
    public async Task Repeated_siblings_become_an_array_in_document_order()
    {
        var json = await _parser.ParseSingleAsync("<a><b>1</b><c>x</c><b>2</b><b>3</b></a>");

        json.Should().Be("""{"a":{"b":["1","2","3"],"c":"x"}}""");
    }

    [Test]
    public async Task Text_beside_attributes_or_children_becomes_hash_text()
    {
        var json = await _parser.ParseSingleAsync("""<root><price currency="EUR">12.50</price><note>hello<b>world</b></note></root>""");

        json.Should().Be("""{"root":{"price":{"@currency":"EUR","#text":"12.50"},"note":{"b":"world","#text":"hello"}}}""");
    }

    [Test]
    public async Task Values_stay_strings_and_empty_elements_are_empty_strings()
    {
        var json = await _parser.ParseSingleAsync("<r><n>42</n><t>true</t><e/><w>  </w></r>");

        json.Should().Be("""{"r":{"n":"42","t":"true","e":"","w":""}}""");
    }

    [Test]
    public async Task Cdata_and_entities_are_text()
    {
        var json = await _parser.ParseSingleAsync("<r><c><![CDATA[<b>&</b>]]></c><e>a &amp; b</e></r>");

        json.Should().Be("""{"r":{"c":"\u003Cb\u003E\u0026\u003C/b\u003E","e":"a \u0026 b"}}""");
    }

    [Test]
    public async Task Namespace_declarations_are_dropped_and_prefixes_kept()
    {
        var json = await _parser.ParseSingleAsync("""<ns:order xmlns:ns="urn:x" xmlns="urn:y" ns:id="5"><ns:line>1</ns:line></ns:order>""");

        json.Should().Be("""{"ns:order":{"@ns:id":"5","ns:line":"1"}}""");
    }

    [Test]
    public async Task Malformed_xml_fails_with_line_and_position()
    {
        var act = () => _parser.ParseTextAsync("<a>\n  <b>1</c>\n</a>");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(2);
        error.Position.Should().BeGreaterThan(0);
        error.Message.Should().StartWith("The body is not valid XML");
    }

    [Test]
    public async Task An_empty_body_is_malformed()
    {
        var act = () => _parser.ParseTextAsync(string.Empty);

        await act.Should().ThrowAsync<WebhookParseException>();
    }

    [Test]
    public async Task External_entities_are_refused()
    {
        const string xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <foo>&xxe;</foo>
            """;

        var act = () => _parser.ParseTextAsync(xxe);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Contain("DTD");
        error.Message.Should().NotContain("root:");
    }

    [Test]
    public async Task Entity_expansion_is_refused()
    {
        const string laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [ <!ENTITY lol "lol"> <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"> ]>
            <lolz>&lol2;</lolz>
            """;

        var act = () => _parser.ParseTextAsync(laughs);

        await act.Should().ThrowAsync<WebhookParseException>();
    }

    [Test]
    public async Task Nesting_deeper_than_the_limit_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("<a>", XmlParser.MaxDepth + 1)) + string.Concat(Enumerable.Repeat("</a>", XmlParser.MaxDepth + 1));

        var act = () => _parser.ParseTextAsync(deep);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Message.Should().Contain("deeper");
    }

    [Test]
    public async Task Nesting_at_the_limit_is_accepted()
    {
        var deep = string.Concat(Enumerable.Repeat("<a>", XmlParser.MaxDepth)) + "x" + string.Concat(Enumerable.Repeat("</a>", XmlParser.MaxDepth));

        var documents = await _parser.ParseTextAsync(deep);

        documents.Should().ContainSingle();
    }
}

public class XmlParserOptionsTests
{
    [Test]
    public async Task Always_array_paths_make_a_single_element_an_array()
    {
        var parser = new XmlParser(new XmlParserOptions { AlwaysArray = ["orders.order", "orders.order.line"] });

        var json = await parser.ParseSingleAsync("<orders><order><line>a</line></order></orders>");

        json.Should().Be("""{"orders":{"order":[{"line":["a"]}]}}""");
    }

    [Test]
    public async Task Always_array_paths_apply_inside_incremental_items()
    {
        var parser = new XmlParser(new XmlParserOptions { ReadMethod = XmlReadMethod.Incremental, AlwaysArray = ["orders.order.line"] });
        var items = new List<string>();

        await foreach (var item in parser.ReadItemsAsync(new MemoryStream("<orders><order><line>a</line></order><order><line>b</line><line>c</line></order></orders>"u8.ToArray()), null, Alumio.Webhooks.Splitting.ItemPattern.Parse("orders.order"), CancellationToken.None))
        {
            items.Add(System.Text.Encoding.UTF8.GetString(item.Utf8.Span));
        }

        items.Should().Equal("""{"line":["a"]}""", """{"line":["b","c"]}""");
    }

    [Test]
    public async Task Namespace_prefixes_can_be_stripped()
    {
        var parser = new XmlParser(new XmlParserOptions { Namespaces = XmlNamespaceHandling.Strip });

        var json = await parser.ParseSingleAsync("""<ns:order xmlns:ns="urn:x" ns:id="5"><ns:line>1</ns:line></ns:order>""");

        json.Should().Be("""{"order":{"@id":"5","line":"1"}}""");
    }

    [TestCase("")]
    [TestCase("orders..order")]
    public void An_invalid_always_array_path_is_refused(string path)
    {
        FluentActions.Invoking(() => new XmlParser(new XmlParserOptions { AlwaysArray = [path] })).Should().Throw<ArgumentException>();
    }
}

public class XmlStrippedNamespaceTests
{
    [Test]
    public async Task Attributes_that_strip_to_the_same_name_keep_the_last_value_in_both_read_methods()
    {
        const string xml = """<orders xmlns:p="urn:p" xmlns:q="urn:q"><order p:id="1" q:id="2"><line/></order></orders>""";
        var options = new XmlParserOptions { Namespaces = XmlNamespaceHandling.Strip };
        var whole = await new XmlParser(options).ParseSingleAsync(xml);
        var items = new List<string>();

        await foreach (var item in new XmlParser(options with { ReadMethod = XmlReadMethod.Incremental }).ReadItemsAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml)), null, Alumio.Webhooks.Splitting.ItemPattern.Parse("orders.order"), CancellationToken.None))
        {
            items.Add(System.Text.Encoding.UTF8.GetString(item.Utf8.Span));
        }

        whole.Should().Be("""{"orders":{"order":{"@id":"2","line":""}}}""");
        items.Should().Equal("""{"@id":"2","line":""}""");
    }
}

public class XmlItemTextTests
{
    private static async Task<List<string>> ItemsAsync(string xml, string pattern)
    {
        var items = new List<string>();
        await foreach (var item in new XmlParser(XmlReadMethod.Incremental).ReadItemsAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml)), null, Alumio.Webhooks.Splitting.ItemPattern.Parse(pattern), CancellationToken.None))
        {
            items.Add(System.Text.Encoding.UTF8.GetString(item.Utf8.Span));
        }

        return items;
    }

    [Test]
    public async Task Quotes_backslashes_control_characters_and_non_ascii_text_survive_as_json_strings()
    {
        const string xml = "<r><i note=\"say &quot;hi&quot; \\ there\">line 1&#10;line 2&#13;&#9;end \\ \"q\" caf\u00e9 \ud83d\ude00 &lt;&amp;&gt;</i></r>";

        var items = await ItemsAsync(xml, "r.i");
        var whole = await new XmlParser().ParseSingleAsync(xml);

        items.Should().ContainSingle();
        var item = System.Text.Json.Nodes.JsonNode.Parse(items[0])!;
        item["@note"]!.GetValue<string>().Should().Be("say \"hi\" \\ there");
        item["#text"]!.GetValue<string>().Should().Be("line 1\nline 2\r\tend \\ \"q\" caf\u00e9 \ud83d\ude00 <&>");
        System.Text.Json.Nodes.JsonNode.DeepEquals(item, System.Text.Json.Nodes.JsonNode.Parse(whole)!["r"]!["i"]).Should().BeTrue();
    }

    [Test]
    public async Task Text_broken_up_by_many_children_is_joined_in_order()
    {
        var xml = "<r><i>" + string.Concat(Enumerable.Range(0, 1000).Select(n => $"{n % 10}<b/>")) + "end</i></r>";

        var items = await ItemsAsync(xml, "r.i");

        var item = System.Text.Json.Nodes.JsonNode.Parse(items.Single())!;
        item["#text"]!.GetValue<string>().Should().Be(string.Concat(Enumerable.Range(0, 1000).Select(n => (n % 10).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "end");
        item["b"]!.AsArray().Should().HaveCount(1000);
    }

    [Test]
    public async Task Many_attributes_that_strip_to_the_same_names_keep_the_last_value_at_the_first_place()
    {
        var attributes = string.Concat(Enumerable.Range(0, 40).Select(n => $" p:a{n}=\"p{n}\"")) + string.Concat(Enumerable.Range(0, 40).Select(n => $" q:a{n}=\"q{n}\""));
        var xml = $"<r xmlns:p=\"urn:p\" xmlns:q=\"urn:q\"><i{attributes}/></r>";
        var parser = new XmlParser(new XmlParserOptions { ReadMethod = XmlReadMethod.Incremental, Namespaces = XmlNamespaceHandling.Strip });
        var items = new List<string>();

        await foreach (var item in parser.ReadItemsAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml)), null, Alumio.Webhooks.Splitting.ItemPattern.Parse("r.i"), CancellationToken.None))
        {
            items.Add(System.Text.Encoding.UTF8.GetString(item.Utf8.Span));
        }

        var names = System.Text.Json.JsonDocument.Parse(items.Single()).RootElement.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}");
        names.Should().Equal(Enumerable.Range(0, 40).Select(n => $"@a{n}=q{n}"));
    }

    [Test]
    public async Task A_long_text_full_of_characters_to_escape_comes_through_whole()
    {
        var text = string.Concat(Enumerable.Repeat("\"quoted\" \\ back\nline\ttab caf\u00e9 ", 5_000));
        var xml = "<r><i a=\"1\">" + System.Security.SecurityElement.Escape(text).Replace("\n", "&#10;", StringComparison.Ordinal).Replace("\t", "&#9;", StringComparison.Ordinal) + "</i></r>";

        var items = await ItemsAsync(xml, "r.i");

        System.Text.Json.Nodes.JsonNode.Parse(items.Single())!["#text"]!.GetValue<string>().Should().Be(text);
    }

    [Test]
    public async Task An_element_may_have_as_many_attributes_as_the_limit_and_not_one_more([Values(1, 7, 4096)] int chunk)
    {
        static string Xml(int attributes) => "<r><i" + string.Concat(Enumerable.Range(0, attributes).Select(n => $" a{n}=\"{n % 10}\"")) + ">x=y</i><i b=\"=\">2</i></r>";

        var items = new List<string>();
        await foreach (var item in new XmlParser(XmlReadMethod.Incremental).ReadItemsAsync(new ChunkedStream(System.Text.Encoding.UTF8.GetBytes(Xml(XmlParser.MaxAttributes - 1)), chunk), null, Alumio.Webhooks.Splitting.ItemPattern.Parse("r.i"), CancellationToken.None))
        {
            items.Add(System.Text.Encoding.UTF8.GetString(item.Utf8.Span));
        }

        // The text's '=' counts with the tag before it: 9,999 attributes and one in the text make the limit.
        items.Should().HaveCount(2);
        System.Text.Json.JsonDocument.Parse(items[0]).RootElement.EnumerateObject().Should().HaveCount(XmlParser.MaxAttributes);
        var whole = await new XmlParser().ParseTextAsync(Xml(XmlParser.MaxAttributes - 1));
        whole.Should().ContainSingle();

        foreach (var method in new[] { XmlReadMethod.Incremental, XmlReadMethod.WholeFile })
        {
            var act = async () =>
            {
                await foreach (var item in new XmlParser(method).ReadItemsAsync(new ChunkedStream(System.Text.Encoding.UTF8.GetBytes(Xml(XmlParser.MaxAttributes)), chunk), null, Alumio.Webhooks.Splitting.ItemPattern.Parse("r.i"), CancellationToken.None))
                {
                    GC.KeepAlive(item);
                }
            };

            (await act.Should().ThrowAsync<WebhookParseException>()).Which.Message.Should().Contain("more than 10,000 '=' between two tags");
        }
    }

    [Test]
    public async Task Names_that_need_escaping_are_escaped_once_and_reused()
    {
        var items = await ItemsAsync("<r><i a\u00e9=\"1\"><n\u00e9>x</n\u00e9></i><i a\u00e9=\"2\"><n\u00e9>y</n\u00e9></i></r>", "r.i");

        items.Select(i => System.Text.Json.Nodes.JsonNode.Parse(i)!.ToJsonString()).Should().Equal(
            System.Text.Json.Nodes.JsonNode.Parse("{\"@a\u00e9\":\"1\",\"n\u00e9\":\"x\"}")!.ToJsonString(),
            System.Text.Json.Nodes.JsonNode.Parse("{\"@a\u00e9\":\"2\",\"n\u00e9\":\"y\"}")!.ToJsonString());
    }
}

/// <summary>
/// Random documents against a plain reference mapping built on <see cref="System.Xml.Linq.XDocument"/>: the
/// streaming writer must agree with it on every shape (repeated and interleaved siblings, attributes, text
/// beside children, CDATA, characters that need escaping, always-array paths), in both read methods.
/// </summary>
public class XmlMappingPropertyTests
{
    private static readonly string[] Names = ["a", "b", "c", "d\u00e9"];
    private static readonly string[] AttributeValues = ["1", "x y", "q&quot;uote", "back\\slash", "tab&#9;nl&#10;", "&amp;&lt;", "\u00e9\ud83d\ude00"];
    private static readonly string[] Texts = ["1", "x y", " pad ", "q\"uote", "back\\slash", "tab&#9;nl&#10;", "&amp;&lt;", "\u00e9\ud83d\ude00", "<![CDATA[c<d>]]>", "   "];

    [Test]
    public async Task Random_documents_map_as_the_reference_does()
    {
        var random = new Random(20261130);
        for (var i = 0; i < 400; i++)
        {
            var xml = new System.Text.StringBuilder("<root>");
            for (var n = random.Next(1, 5); n > 0; n--)
            {
                AppendElement(xml, random, 0);
            }

            xml.Append("</root>");
            var document = xml.ToString();
            var alwaysArray = random.Next(3) == 0 ? new[] { "root.b", "root.a.c" } : [];
            var expected = new System.Text.Json.Nodes.JsonObject { ["root"] = Reference(System.Xml.Linq.XDocument.Parse(document).Root!, "root", alwaysArray) };

            var whole = System.Text.Json.Nodes.JsonNode.Parse(await new XmlParser(new XmlParserOptions { AlwaysArray = alwaysArray }).ParseSingleAsync(document))!;
            var items = new System.Text.Json.Nodes.JsonArray();
            await foreach (var item in new XmlParser(new XmlParserOptions { ReadMethod = XmlReadMethod.Incremental, AlwaysArray = alwaysArray }).ReadItemsAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(document)), null, Alumio.Webhooks.Splitting.ItemPattern.Parse("root"), CancellationToken.None))
            {
                items.Add(System.Text.Json.Nodes.JsonNode.Parse(item.Utf8.Span));
            }

            System.Text.Json.Nodes.JsonNode.DeepEquals(whole, expected).Should().BeTrue($"WholeFile of {document} gave {whole.ToJsonString()}, expected {expected.ToJsonString()}");
            items.Should().ContainSingle();
            System.Text.Json.Nodes.JsonNode.DeepEquals(items[0], expected["root"]).Should().BeTrue($"Incremental of {document} gave {items[0]!.ToJsonString()}");
        }
    }

    private static void AppendElement(System.Text.StringBuilder xml, Random random, int depth)
    {
        var name = Names[random.Next(Names.Length)];
        xml.Append('<').Append(name);
        if (random.Next(3) == 0)
        {
            xml.Append(" x=\"").Append(AttributeValues[random.Next(AttributeValues.Length)]).Append('"');
        }

        if (random.Next(4) == 0)
        {
            xml.Append(" y=\"v\"");
        }

        if (random.Next(6) == 0)
        {
            xml.Append("/>");
            return;
        }

        xml.Append('>');
        for (var n = random.Next(0, depth < 3 ? 5 : 2); n > 0; n--)
        {
            if (depth < 3 && random.Next(2) == 0)
            {
                AppendElement(xml, random, depth + 1);
            }
            else
            {
                xml.Append(Texts[random.Next(Texts.Length)]);
            }
        }

        xml.Append("</").Append(name).Append('>');
    }

    /// <summary>The mapping of ARCHITECTURE.md, written the obvious way over a whole tree.</summary>
    private static System.Text.Json.Nodes.JsonNode Reference(System.Xml.Linq.XElement element, string path, string[] alwaysArray)
    {
        var attributes = element.Attributes().Where(a => !a.IsNamespaceDeclaration).ToList();
        var children = element.Elements().ToList();
        var text = string.Concat(element.Nodes().OfType<System.Xml.Linq.XText>().Select(t => t.Value));
        if (attributes.Count == 0 && children.Count == 0)
        {
            return System.Text.Json.Nodes.JsonValue.Create(text);
        }

        var value = new System.Text.Json.Nodes.JsonObject();
        foreach (var attribute in attributes)
        {
            value["@" + attribute.Name.LocalName] = attribute.Value;
        }

        foreach (var group in children.GroupBy(c => c.Name.LocalName))
        {
            var childPath = path + "." + group.Key;
            var values = group.Select(c => Reference(c, childPath, alwaysArray)).ToArray();
            value[group.Key] = values.Length > 1 || alwaysArray.Contains(childPath) ? new System.Text.Json.Nodes.JsonArray(values) : values[0];
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            value["#text"] = text;
        }

        return value;
    }
}
