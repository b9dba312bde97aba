namespace Alumio.Webhooks.Placeholders;

/// <summary>A placeholder could not be filled from an entity; fails the task with the message.</summary>
internal sealed class PlaceholderException(string message) : Exception(message);
