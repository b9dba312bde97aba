namespace Alumio.Webhooks.Parsing;

/// <summary>How the <c>xml</c> parser reads a body.</summary>
public enum XmlReadMethod
{
    /// <summary>The whole document is read, then split into items. The default.</summary>
    WholeFile = 0,

    /// <summary>The body is read as a stream and items are emitted as they complete.</summary>
    Incremental = 1,
}
