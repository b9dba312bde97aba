using System.Diagnostics;
using System.Text;
using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Tests.Parsing;

public class JsonValueCheckerTests
{
    private readonly JsonValueChecker _checker = new();

    [TestCase("""{"a":1,"b":{"a":2,"b":[{"a":3},{"a":4}]},"c":"\\ud83d\\ude00 \\u00e9 \\\\ud800"}""")]
    [TestCase("""[{"a":1},{"a":1},"x",1,null]""")]
    [TestCase("""{"a":{"x":1},"b":{"x":1}}""")]
    [TestCase("\"plain\"")]
    [TestCase("42")]
    public void Valid_values_have_no_problem(string json)
    {
        _checker.Check(Encoding.UTF8.GetBytes(json)).Should().BeNull();
    }

    [TestCase("""{"a":1,"a":2}""", 7, "an object names the property 'a' twice")]
    [TestCase("""{"a":1,"\u0061":2}""", 7, "an object names the property 'a' twice")]
    [TestCase("""{"x":{"a":1},"y":[{"b":{"c":1,"d":2,"c":3}}]}""", 36, "an object names the property 'c' twice")]
    [TestCase("""{"s":"ok","t":"x\ud800y"}""", 14, "a string escapes half a surrogate pair (\\uD800 to \\uDFFF without its other half), which is no text")]
    [TestCase("""["\udc00"]""", 1, "a string escapes half a surrogate pair (\\uD800 to \\uDFFF without its other half), which is no text")]
    [TestCase("""{"\uD83Dx":1}""", 1, "a string escapes half a surrogate pair (\\uD800 to \\uDFFF without its other half), which is no text")]
    public void Problems_are_named_with_the_offset_of_their_token(string json, long offset, string description)
    {
        var problem = _checker.Check(Encoding.UTF8.GetBytes(json));

        problem.Should().Be(new JsonValueChecker.Problem(offset, description));
    }

    [Test]
    public void A_duplicate_among_many_names_is_found_in_linear_time()
    {
        const int keys = 200_000;
        var json = "{" + string.Join(",", Enumerable.Range(0, keys).Select(i => $"\"key{i}\":{i}")) + ",\"key77\":0}";
        var distinct = "{" + string.Join(",", Enumerable.Range(0, keys).Select(i => $"\"key{i}\":{i}")) + "}";
        var time = Stopwatch.StartNew();

        var problem = _checker.Check(Encoding.UTF8.GetBytes(json));
        var none = _checker.Check(Encoding.UTF8.GetBytes(distinct));

        problem!.Value.Description.Should().Be("an object names the property 'key77' twice");
        none.Should().BeNull();
        time.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Test]
    public void A_long_duplicate_name_is_cut_short_in_the_description()
    {
        var name = new string('n', 500);

        var problem = _checker.Check(Encoding.UTF8.GetBytes($"{{\"{name}\":1,\"{name}\":2}}"));

        problem!.Value.Description.Should().Be($"an object names the property '{new string('n', 100)}...' twice");
    }
}
