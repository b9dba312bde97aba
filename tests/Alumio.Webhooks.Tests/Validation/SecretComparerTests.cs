using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Tests.Validation;

public class SecretComparerTests
{
    [TestCase("VerySecret", true)]
    [TestCase("OtherSecret", true)]
    [TestCase("VerySecreT", false)]
    [TestCase("verySecret", false)]
    [TestCase("VerySecre", false)]
    [TestCase("VerySecretVerySecret", false)]
    [TestCase("VerySecret\0", false)]
    [TestCase("", false)]
    public void Secret_comparer_accepts_exactly_the_accepted_values(string candidate, bool expected)
    {
        var comparer = SecretComparer.Create(["VerySecret", "OtherSecret"], "values");

        comparer.MatchesAny(candidate).Should().Be(expected);
    }

    [Test]
    public void Secret_comparer_refuses_a_candidate_that_wraps_around_the_padded_buffer()
    {
        // The buffer is 64 characters wide: a candidate of the secret, zeros and the secret again reads
        // the same characters at every masked index and must still be refused for its length.
        var secret = "s3cr3t";
        var comparer = SecretComparer.Create([secret], "values");
        var wrapped = secret + new string('\0', 64 - secret.Length) + secret;

        comparer.MatchesAny(wrapped).Should().BeFalse();
        comparer.MatchesAny(secret + new string('\0', 64 - secret.Length)).Should().BeFalse();
    }

    [Test]
    public void Secret_comparer_handles_secrets_longer_than_the_minimum_width()
    {
        var longSecret = new string('a', 100) + "b" + new string('c', 199);
        var comparer = SecretComparer.Create(["short", longSecret], "values");

        comparer.MatchesAny(longSecret).Should().BeTrue();
        comparer.MatchesAny("short").Should().BeTrue();
        comparer.MatchesAny(new string('a', 100) + "x" + new string('c', 199)).Should().BeFalse();
        comparer.MatchesAny(longSecret.AsSpan(0, longSecret.Length - 1)).Should().BeFalse();
        comparer.MatchesAny(longSecret + longSecret).Should().BeFalse();
    }

    [Test]
    public void Secret_comparer_compares_characters_not_their_replacement()
    {
        // A lone surrogate would become U+FFFD if both sides were encoded to UTF-8 before comparing.
        var comparer = SecretComparer.Create(["key\uFFFD"], "values");

        comparer.MatchesAny("key\uD800").Should().BeFalse();
        comparer.MatchesAny("key\uFFFD").Should().BeTrue();
    }

    [Test]
    public void Secret_comparer_refuses_an_empty_secret_or_list()
    {
        var empty = () => SecretComparer.Create(["ok", ""], "values");
        var none = () => SecretComparer.Create([], "values");

        empty.Should().Throw<ArgumentException>().WithParameterName("values");
        none.Should().Throw<ArgumentException>().WithParameterName("values");
    }
}
