using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Configuration;

/// <summary>Creates one component at start-up, or records why it cannot.</summary>
internal delegate T? ComponentRecipe<T>(IServiceProvider services, ICollection<string> errors)
    where T : class;

internal static class Recipe
{
    public static ComponentRecipe<T> FromCode<T>(string location, Func<IServiceProvider, T> factory)
        where T : class =>
        (services, errors) =>
        {
            try
            {
                return factory(services);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException)
            {
                errors.Add($"{location}: {exception.Message}");
                return null;
            }
        };

    public static ComponentRecipe<T> FromPrototype<T>(IConfigurationSection section, string kind, IReadOnlyDictionary<string, Func<PrototypeContext, T>> prototypes)
        where T : class =>
        (services, errors) =>
        {
            var prototype = section.Value ?? section["Prototype"];
            if (string.IsNullOrEmpty(prototype))
            {
                errors.Add($"{section.Path}:Prototype is required; {Known(kind, prototypes.Keys)}.");
                return null;
            }

            if (!prototypes.TryGetValue(prototype, out var factory))
            {
                errors.Add($"{section.Path}:Prototype '{prototype}' is not a known {kind} prototype; {Known(kind, prototypes.Keys)}.");
                return null;
            }

            var name = prototypes.Keys.First(key => string.Equals(key, prototype, StringComparison.OrdinalIgnoreCase));
            var context = new PrototypeContext(section, name, services);
            T? component = null;
            try
            {
                component = factory(context);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException)
            {
                if (context.Errors.Count == 0)
                {
                    errors.Add($"{section.Path}: {exception.Message}");
                }
            }

            context.CheckUnknownKeys();
            if (context.Errors.Count > 0)
            {
                foreach (var error in context.Errors)
                {
                    errors.Add(error);
                }

                return null;
            }

            return component;
        };

    /// <summary>The prototype a section names, spelled as registered; as written when it is not registered.</summary>
    public static string PrototypeName<T>(IConfigurationSection section, IReadOnlyDictionary<string, Func<PrototypeContext, T>> prototypes)
        where T : class
    {
        var prototype = section.Value ?? section["Prototype"] ?? string.Empty;
        return prototypes.Keys.FirstOrDefault(key => string.Equals(key, prototype, StringComparison.OrdinalIgnoreCase)) ?? prototype;
    }

    private static string Known(string kind, IEnumerable<string> names)
    {
        var known = names.Order(StringComparer.Ordinal).ToList();
        return known.Count == 0 ? $"no {kind} prototypes are registered" : $"known {kind} prototypes: {string.Join(", ", known)}";
    }
}
