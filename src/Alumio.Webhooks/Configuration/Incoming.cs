using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Configuration;

/// <summary>An incoming: how a request body becomes entities.</summary>
/// <param name="Identifier">The identifier routes refer to.</param>
/// <param name="Parser">Turns the body into documents.</param>
/// <param name="Splitter">Turns each document into items ("pattern to items").</param>
public sealed record Incoming(string Identifier, IParser Parser, IItemSplitter Splitter);
