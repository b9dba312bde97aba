using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Routing;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Transformation;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Configuration;

/// <summary>A webhook as declared, before it is checked and built.</summary>
internal sealed class WebhookDefinition(string identifier, string source)
{
    public string Identifier { get; } = identifier;

    public string Source { get; } = source;

    public List<string> Incoming { get; } = [];

    public List<ComponentRecipe<IRequestValidator>> Validators { get; } = [];

    public long MaxBodySize { get; set; } = Webhook.DefaultMaxBodySize;

    public bool RequireItems { get; set; }

    public int? ValidationFailureStatus { get; set; }

    public IdempotencyKey? IdempotencyKey { get; set; }
}

/// <summary>An incoming as declared.</summary>
internal sealed class IncomingDefinition(string identifier, string source)
{
    public string Identifier { get; } = identifier;

    public string Source { get; } = source;

    public ComponentRecipe<IParser>? Parser { get; set; }

    public string? Pattern { get; set; }

    public ComponentRecipe<IItemSplitter>? Splitter { get; set; }
}

/// <summary>An outgoing as declared.</summary>
internal sealed class OutgoingDefinition(string identifier, string source)
{
    public string Identifier { get; } = identifier;

    public string Source { get; } = source;

    public ComponentRecipe<IOutgoing>? Outgoing { get; set; }
}

/// <summary>A route as declared.</summary>
internal sealed class RouteDefinition(string name, string source)
{
    public string Name { get; } = name;

    public string Source { get; } = source;

    public string? Incoming { get; set; }

    public string? Outgoing { get; set; }

    public List<ComponentRecipe<IEntityTransformer>> Transformers { get; } = [];

    /// <summary>The name of each transformer for task errors: its prototype, or what the builder method adds.</summary>
    public List<string> TransformerNames { get; } = [];

    public RetryPolicy Retry { get; set; } = RetryPolicy.None;

    public bool RealTime { get; set; }

    public int? MaxConcurrency { get; set; }
}
