using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using static Alumio.Webhooks.AspNetCore.Tests.Support.NodeSigners;

namespace Alumio.Webhooks.AspNetCore.Tests.Signers;

/// <summary>
/// The node signing harness works, and each sender's library signs the way we understand its scheme:
/// the C# recomputations below are what our validators must accept.
/// </summary>
public class NodeSignersTests
{
    // A body with non-ASCII text, a newline and trailing spaces: signatures cover the exact UTF-8 bytes.
    private const string Payload = "{\"type\":\"order.created\",\"name\":\"Café ☕ 🚚\"}\n  ";
    private const string WhsecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string PlainSecret = "It's a Secret to Everybody";
    private const string StripeSecret = "whsec_test_3c7a2f0b9d";
    private const string MessageId = "msg_2Xk9bQ7LrV3sT8wY";
    private const long Timestamp = 1_700_000_000;

    [Test]
    public async Task Every_scheme_produces_its_senders_headers()
    {
        var headers = await SignAsync(
        [
            new("standard-webhooks", WhsecSecret, Payload, MessageId, Timestamp),
            new("svix", WhsecSecret, Payload, MessageId, Timestamp),
            new("github", PlainSecret, Payload),
            new("stripe", StripeSecret, Payload, Timestamp: Timestamp),
            new("shopify", PlainSecret, Payload),
            new("slack", PlainSecret, Payload, Timestamp: Timestamp),
        ]);

        headers.Should().HaveCount(6);

        var standard = headers[0];
        standard.Keys.Should().BeEquivalentTo("webhook-id", "webhook-timestamp", "webhook-signature");
        standard["webhook-id"].Should().Be(MessageId);
        standard["webhook-timestamp"].Should().Be("1700000000");
        standard["webhook-signature"].Should().MatchRegex("^v1,[A-Za-z0-9+/]{43}=$");

        var svix = headers[1];
        svix.Keys.Should().BeEquivalentTo("svix-id", "svix-timestamp", "svix-signature");
        svix["svix-id"].Should().Be(MessageId);
        svix["svix-timestamp"].Should().Be("1700000000");
        svix["svix-signature"].Should().Be(standard["webhook-signature"], "svix signs exactly like Standard Webhooks under other header names");

        headers[2].Keys.Should().BeEquivalentTo("X-Hub-Signature-256");
        headers[2]["x-hub-signature-256"].Should().MatchRegex("^sha256=[0-9a-f]{64}$", "header names compare case-insensitively");

        headers[3].Keys.Should().BeEquivalentTo("Stripe-Signature");
        headers[3]["Stripe-Signature"].Should().MatchRegex("^t=1700000000,v1=[0-9a-f]{64}$");

        headers[4].Keys.Should().BeEquivalentTo("X-Shopify-Hmac-Sha256");
        headers[4]["X-Shopify-Hmac-Sha256"].Should().MatchRegex("^[A-Za-z0-9+/]{43}=$");

        headers[5].Keys.Should().BeEquivalentTo("X-Slack-Request-Timestamp", "X-Slack-Signature");
        headers[5]["X-Slack-Request-Timestamp"].Should().Be("1700000000");
        headers[5]["X-Slack-Signature"].Should().MatchRegex("^v0=[0-9a-f]{64}$");
    }

    [Test]
    public async Task The_libraries_sign_as_recomputed_here_with_HMACSHA256()
    {
        var headers = await SignAsync(
        [
            new("standard-webhooks", WhsecSecret, Payload, MessageId, Timestamp),
            new("github", PlainSecret, Payload),
            new("stripe", StripeSecret, Payload, Timestamp: Timestamp),
            new("shopify", PlainSecret, Payload),
            new("slack", PlainSecret, Payload, Timestamp: Timestamp),
        ]);

        // Standard Webhooks: the key is the base64 after "whsec_"; the signed text is "{id}.{timestamp}.{body}"; base64 out.
        var standardKey = Convert.FromBase64String(WhsecSecret["whsec_".Length..]);
        headers[0]["webhook-signature"].Should().Be("v1," + Convert.ToBase64String(Hmac(standardKey, $"{MessageId}.{Timestamp}.{Payload}")));

        // GitHub: the secret string as UTF-8 is the key; the body is the signed text; lower-case hex out.
        headers[1]["X-Hub-Signature-256"].Should().Be("sha256=" + Convert.ToHexStringLower(Hmac(Utf8(PlainSecret), Payload)));

        // Stripe: the whole secret string, "whsec_" included, as UTF-8 is the key; the signed text is "{t}.{body}"; hex out.
        headers[2]["Stripe-Signature"].Should().Be($"t={Timestamp},v1=" + Convert.ToHexStringLower(Hmac(Utf8(StripeSecret), $"{Timestamp}.{Payload}")));

        // Shopify: the secret as UTF-8 is the key; the body is the signed text; base64 out.
        headers[3]["X-Shopify-Hmac-Sha256"].Should().Be(Convert.ToBase64String(Hmac(Utf8(PlainSecret), Payload)));

        // Slack: the signing secret as UTF-8 is the key; the signed text is "v0:{timestamp}:{body}"; hex out.
        headers[4]["X-Slack-Signature"].Should().Be("v0=" + Convert.ToHexStringLower(Hmac(Utf8(PlainSecret), $"v0:{Timestamp}:{Payload}")));
    }

    [Test]
    public async Task The_libraries_reproduce_the_examples_in_the_senders_documentation()
    {
        var headers = await SignAsync(
        [
            new("github", PlainSecret, "Hello, World!"),
            new("svix", WhsecSecret, "{\"test\": 2432232314}", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330),
        ]);

        headers[0]["X-Hub-Signature-256"].Should().Be("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
        headers[1]["svix-signature"].Should().Be("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    [Test]
    public async Task Left_out_ids_and_timestamps_become_a_fresh_message_id_and_now()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var headers = await SignAsync([new SignRequest("standard-webhooks", WhsecSecret, Payload)]);

        headers[0]["webhook-id"].Should().MatchRegex("^msg_[0-9a-f]{24}$");
        long.Parse(headers[0]["webhook-timestamp"], CultureInfo.InvariantCulture)
            .Should().BeInRange(before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Test]
    public async Task An_unknown_scheme_fails_with_the_signers_message()
    {
        var act = () => SignAsync([new SignRequest("paypal", PlainSecret, Payload)]);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*exited with code 2*unknown scheme \"paypal\"*");
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Hmac(byte[] key, string signedText) => HMACSHA256.HashData(key, Utf8(signedText));
}
