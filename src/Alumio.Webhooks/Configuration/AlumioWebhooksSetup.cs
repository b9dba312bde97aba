using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Transformation;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Configuration;

/// <summary>Everything declared through <see cref="AlumioWebhooksBuilder"/>, gathered as options until the model is built.</summary>
internal sealed class AlumioWebhooksSetup
{
    public List<WebhookDefinition> Webhooks { get; } = [];

    public List<IncomingDefinition> Incoming { get; } = [];

    public List<OutgoingDefinition> Outgoing { get; } = [];

    public List<RouteDefinition> Routes { get; } = [];

    public List<IConfiguration> Sections { get; } = [];

    public Dictionary<string, Func<PrototypeContext, IRequestValidator>> ValidatorPrototypes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, Func<PrototypeContext, IParser>> ParserPrototypes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, Func<PrototypeContext, IEntityTransformer>> TransformerPrototypes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, Func<PrototypeContext, IEntityCondition>> ConditionPrototypes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, Func<PrototypeContext, IOutgoing>> OutgoingPrototypes { get; } = new(StringComparer.OrdinalIgnoreCase);
}
