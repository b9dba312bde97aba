using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Tests.Parsing;

public class BinaryParserTests
{
    private readonly BinaryParser _parser = new();

    [Test]
    public async Task The_body_becomes_one_entity_with_content_type_size_and_base64_data()
    {
        var documents = await _parser.ParseBytesAsync([0, 1, 2, 255], "image/png");

        documents.Should().ContainSingle().Which.ToJsonString().Should().Be("""{"contentType":"image/png","size":4,"data":"AAEC/w=="}""");
    }

    [TestCase(null)]
    [TestCase("")]
    public async Task Without_a_content_type_it_is_octet_stream(string? contentType)
    {
        var documents = await _parser.ParseBytesAsync([], contentType);

        documents.Should().ContainSingle().Which.ToJsonString().Should().Be("""{"contentType":"application/octet-stream","size":0,"data":""}""");
    }

    [Test]
    public async Task A_large_body_read_in_chunks_is_kept_whole()
    {
        var bytes = new byte[300_000];
        new Random(7).NextBytes(bytes);

        var document = await _parser.FirstDocumentAsync(new ChunkedStream(bytes, chunkSize: 4096));

        document["size"]!.GetValue<int>().Should().Be(bytes.Length);
        Convert.FromBase64String(document["data"]!.GetValue<string>()).Should().Equal(bytes);
    }
}
