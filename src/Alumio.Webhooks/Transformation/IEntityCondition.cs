using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// A yes-or-no question about an entity, asked by the <c>filter</c> and <c>conditional</c> transformers
/// (configuration prototypes <c>equals</c>, <c>one-of</c>, <c>exists</c>, <c>matches</c>, <c>and</c>, <c>or</c>, <c>not</c>).
/// </summary>
public interface IEntityCondition
{
    /// <summary>Asks the question.</summary>
    /// <param name="entity">The entity; a condition does not change it.</param>
    /// <returns>Whether the condition holds.</returns>
    /// <exception cref="Placeholders.PlaceholderException">A placeholder in the condition cannot be filled.</exception>
    bool IsMet(JsonNode entity);

    /// <summary>Says what the condition asks, for skip reasons and errors, such as <c>type equals "shipment"</c>.</summary>
    /// <returns>The description.</returns>
    string Describe();
}
