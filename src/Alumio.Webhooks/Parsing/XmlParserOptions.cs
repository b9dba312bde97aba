namespace Alumio.Webhooks.Parsing;

/// <summary>Settings of the <c>xml</c> parser.</summary>
public sealed record XmlParserOptions
{
    /// <summary>Gets how the body is read.</summary>
    /// <value>Defaults to <see cref="XmlReadMethod.WholeFile"/>.</value>
    public XmlReadMethod ReadMethod { get; init; } = XmlReadMethod.WholeFile;

    /// <summary>Gets how namespace prefixes appear in keys.</summary>
    /// <value>Defaults to <see cref="XmlNamespaceHandling.Keep"/>.</value>
    public XmlNamespaceHandling Namespaces { get; init; } = XmlNamespaceHandling.Keep;

    /// <summary>
    /// Gets element paths, such as <c>orders.order</c> (names from the root, after namespace handling), whose
    /// elements always become an array, even when there is only one, so that the JSON has the same shape
    /// whatever the count.
    /// </summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<string> AlwaysArray { get; init; } = [];
}
