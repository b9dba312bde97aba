using System.Diagnostics;
using System.Text;
using System.Text.Json;
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
    public void Many_objects_of_many_names_after_a_huge_one_cost_linear_time()
    {
        // One object of a million names, then 100,000 siblings of 33 names each: each sibling needs a set of names, and
        // must not pay for clearing one sized for the huge object (some 440 GB of memory writes in all).
        var json = new StringBuilder("[{");
        json.AppendJoin(",", Enumerable.Range(0, 1_000_000).Select(i => $"\"k{i}\":0")).Append('}');
        var small = "{" + string.Join(",", Enumerable.Range(0, 33).Select(i => $"\"s{i}\":0")) + "}";
        for (var i = 0; i < 100_000; i++)
        {
            json.Append(',').Append(small);
        }

        var bytes = Encoding.UTF8.GetBytes(json.Append(']').ToString());
        var time = Stopwatch.StartNew();

        var problem = _checker.Check(bytes);

        problem.Should().BeNull();
        time.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Test]
    public void A_long_duplicate_name_is_cut_short_in_the_description()
    {
        var name = new string('n', 500);

        var problem = _checker.Check(Encoding.UTF8.GetBytes($"{{\"{name}\":1,\"{name}\":2}}"));

        problem!.Value.Description.Should().Be($"an object names the property '{new string('n', 100)}...' twice");
    }

    [Test]
    public void Duplicates_are_found_as_a_reference_over_JsonDocument_finds_them()
    {
        // Random nested values over a small alphabet of names, some spelled with escapes, some objects past the
        // linear limit: whether the checker finds a duplicate must agree with a plain walk over the parsed document.
        var random = new Random(20261201);
        var found = 0;
        for (var round = 0; round < 2_000; round++)
        {
            var json = new StringBuilder();
            RandomValue(random, json, depth: 0);
            var bytes = Encoding.UTF8.GetBytes(json.ToString());
            using var document = JsonDocument.Parse(bytes);
            var expected = HasDuplicate(document.RootElement);

            var problem = _checker.Check(bytes);

            (problem is not null).Should().Be(expected, json.ToString());
            if (problem is { } p)
            {
                p.Description.Should().StartWith("an object names the property '");
                found++;
            }
        }

        found.Should().BeInRange(200, 1_800, "the generator should make both kinds of value");
    }

    private static void RandomValue(Random random, StringBuilder json, int depth)
    {
        var kind = depth >= 4 ? 2 : random.Next(4);
        if (kind == 0)
        {
            // Past 32 names the checker keeps a set: those objects have distinct names but, half the time, the last.
            var many = random.Next(10) == 0;
            var names = many ? 34 + random.Next(8) : random.Next(6);
            var distinct = Enumerable.Range(0, 60).OrderBy(_ => random.Next()).Select(i => $"k{i}").Take(names).ToArray();
            if (many && random.Next(2) == 0)
            {
                distinct[^1] = distinct[random.Next(names - 1)];
            }

            json.Append('{');
            for (var i = 0; i < names; i++)
            {
                if (i > 0)
                {
                    json.Append(',');
                }

                // Few names otherwise, so that repeats happen; the same name sometimes written with an escape.
                var name = many ? distinct[i] : ((char)('a' + random.Next(5))).ToString() + (random.Next(3) == 0 ? "x" : string.Empty);
                var written = random.Next(4) == 0 ? $"\\u{(int)name[0]:x4}{name[1..]}" : name;
                json.Append('"').Append(written).Append("\":");
                RandomValue(random, json, depth + 1);
            }

            json.Append('}');
        }
        else if (kind == 1)
        {
            json.Append('[');
            var count = random.Next(4);
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    json.Append(',');
                }

                RandomValue(random, json, depth + 1);
            }

            json.Append(']');
        }
        else
        {
            json.Append(random.Next(3) switch { 0 => "1", 1 => "\"s\"", _ => "null" });
        }
    }

    private static bool HasDuplicate(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name) || HasDuplicate(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                return element.EnumerateArray().Any(HasDuplicate);
            default:
                return false;
        }
    }
}
