namespace Alumio.Webhooks.Parsing;

/// <summary>How the <c>xml</c> parser names elements and attributes that have a namespace prefix.</summary>
public enum XmlNamespaceHandling
{
    /// <summary>Names are kept as written, prefix included (<c>ns:order</c>). The default.</summary>
    Keep = 0,

    /// <summary>Prefixes are dropped and only local names are used (<c>order</c>).</summary>
    Strip = 1,
}
