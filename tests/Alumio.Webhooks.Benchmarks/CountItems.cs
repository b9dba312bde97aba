using System.Globalization;
using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>Prints how many items each generated input holds, to turn allocations into bytes per item.</summary>
public static class CountItems
{
    public static async Task RunAsync()
    {
        foreach (var size in new[] { 1, 100 })
        {
            var json = await ItemCounter.CountAsync(new JsonParser(), "orders", Inputs.Json(size));
            var xml = await ItemCounter.CountAsync(new XmlParser(XmlReadMethod.Incremental), "shipments.shipment", Inputs.Xml(size));
            var ndjson = await ItemCounter.CountAsync(new NdjsonParser(), null, Inputs.Ndjson(size));
            var csv = await ItemCounter.CountAsync(new CsvParser(), null, Inputs.Csv(size));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size} MB: json {json:N0}, xml {xml:N0}, ndjson {ndjson:N0}, csv {csv:N0} items"));
        }
    }
}
