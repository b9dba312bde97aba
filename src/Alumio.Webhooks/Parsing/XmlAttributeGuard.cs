namespace Alumio.Webhooks.Parsing;

/// <summary>
/// The body as <see cref="System.Xml.XmlReader"/> reads it, refused once more than <see cref="XmlParser.MaxAttributes"/>
/// <c>=</c> signs stand between two <c>&lt;</c>: an element with that many attributes. The reader revisits every
/// attribute of the element it is in each time it reads more of the body, so its time grows with the square of
/// the attribute count (1.28 million attributes in a 14 MB body took 38 s on the project's machine), and it does so
/// inside one call that cannot be cancelled.
/// </summary>
/// <remarks>
/// A tag cannot hold a <c>&lt;</c> (not even in an attribute value), so the <c>=</c> signs between two of them bound the
/// attributes of the tag that starts at the first one. Text with as many <c>=</c> signs and no markup in between is
/// refused as well; that is the price of a check that counts bytes in bulk and costs a few milliseconds per 100 MB.
/// </remarks>
internal sealed class XmlAttributeGuard(Stream inner) : ReadOnlyStream
{
    private long _offset;
    private int _sinceLessThan;

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Check(buffer[..read]);
        _offset += read;
        return read;
    }

    private void Check(ReadOnlySpan<byte> bytes)
    {
        var equals = bytes.Count((byte)'=');
        var last = bytes.LastIndexOf((byte)'<');
        if (_sinceLessThan + equals <= XmlParser.MaxAttributes)
        {
            // No run between two '<' in these bytes can pass the limit: only the run after the last one goes on.
            _sinceLessThan = last < 0 ? _sinceLessThan + equals : bytes[(last + 1)..].Count((byte)'=');
            return;
        }

        // Many '=' here: each run between two '<' is counted on its own.
        var start = 0;
        while (true)
        {
            var next = bytes[start..].IndexOf((byte)'<');
            var run = next < 0 ? bytes[start..] : bytes.Slice(start, next);
            _sinceLessThan += run.Count((byte)'=');
            if (_sinceLessThan > XmlParser.MaxAttributes)
            {
                throw new WebhookParseException(
                    $"The body is refused near byte {_offset + start + run.Length:N0}: more than {XmlParser.MaxAttributes:N0} '=' between two tags, as in an element with more than {XmlParser.MaxAttributes:N0} attributes, which takes XML readers quadratic time.");
            }

            if (next < 0)
            {
                return;
            }

            _sinceLessThan = 0;
            start += next + 1;
        }
    }
}
