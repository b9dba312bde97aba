using System.Text;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>Generated, deterministic inputs of a given size: many items of about 200 bytes each.</summary>
public static class Inputs
{
    public static byte[] Json(int megabytes) => Build(megabytes, "{\"orders\":[", "]}", ",", i =>
        $"{{\"id\":{i},\"orderId\":\"SO-{i:D8}\",\"customer\":{{\"name\":\"Customer {i % 977}\",\"email\":\"c{i % 977}@example.com\"}},\"total\":{i % 1000}.{i % 100:D2},\"lines\":[{{\"sku\":\"SKU-{i % 313}\",\"qty\":{1 + (i % 5)}}}]}}");

    public static byte[] Xml(int megabytes) => Build(megabytes, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><shipments>", "</shipments>", string.Empty, XmlShipment);

    public static string XmlShipment(int i) =>
        $"<shipment id=\"S-{i:D8}\"><orderId>SO-{i:D8}</orderId><carrier>{(i % 2 == 0 ? "PostNL" : "DHL")}</carrier><trackingCode>3S{i:D12}</trackingCode><lines><line sku=\"SKU-{i % 313}\">{1 + (i % 5)}</line></lines></shipment>";

    public static byte[] Ndjson(int megabytes) => Build(megabytes, string.Empty, string.Empty, "\n", i =>
        $"{{\"id\":{i},\"orderId\":\"SO-{i:D8}\",\"customer\":{{\"name\":\"Customer {i % 977}\",\"email\":\"c{i % 977}@example.com\"}},\"total\":{i % 1000}.{i % 100:D2}}}");

    public static byte[] Csv(int megabytes) => Build(megabytes, "id,orderId,customer,email,total,sku,qty\n", string.Empty, string.Empty, i =>
        $"{i},SO-{i:D8},\"Customer {i % 977}, Ltd\",c{i % 977}@example.com,{i % 1000}.{i % 100:D2},SKU-{i % 313},{1 + (i % 5)}\n");

    private static byte[] Build(int megabytes, string head, string tail, string separator, Func<int, string> item)
    {
        var target = megabytes * 1024 * 1024;
        var text = new StringBuilder(target + 1024).Append(head);
        for (var i = 0; text.Length < target - tail.Length; i++)
        {
            if (i > 0)
            {
                text.Append(separator);
            }

            text.Append(item(i));
        }

        return Encoding.UTF8.GetBytes(text.Append(tail).ToString());
    }
}
