using System.Text;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Tests.Support;

/// <summary>Configuration from JSON text, as appsettings.json would give it.</summary>
public static class ConfigurationJsonFile
{
    public static IConfigurationRoot Root(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    /// <summary>The <c>Alumio</c> section of the JSON.</summary>
    public static IConfigurationSection Section(string json) => Root(json).GetSection("Alumio");
}
