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
                errors.Add($"{section.Path}:Prototype is required; known {kind} prototypes: {string.Join(", ", prototypes.Keys.Order(StringComparer.Ordinal))}.");
                return null;
            }

            if (!prototypes.TryGetValue(prototype, out var factory))
            {
                errors.Add($"{section.Path}:Prototype '{prototype}' is not a known {kind} prototype; known: {string.Join(", ", prototypes.Keys.Order(StringComparer.Ordinal))}.");
                return null;
            }

            var context = new PrototypeContext(section, prototype, services);
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
}
