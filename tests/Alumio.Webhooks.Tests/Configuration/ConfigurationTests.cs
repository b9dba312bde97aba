using System.Text;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Receiving;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alumio.Webhooks.Tests.Configuration;

public class ConfigurationTests
{
    private const string ArchitectureExample = """
        {
          "Alumio": {
            "Webhooks": {
              "wms-shipments": {
                "Incoming": "wms-shipments",
                "Validators": [ { "Prototype": "header", "Header": "X-Alumio-Auth", "Value": "VerySecret" } ]
              }
            },
            "Incoming": {
              "wms-shipments": {
                "Parser": { "Prototype": "xml", "ReadMethod": "Incremental" },
                "PatternToItems": "shipments.shipment"
              }
            },
            "Outgoing": {
              "erp":  { "Prototype": "http", "Method": "POST", "Url": "http://erp.local/orders/&{orderId}/complete" },
              "shop": { "Prototype": "http", "Method": "POST", "Url": "http://shop.local/tracking" }
            },
            "Routes": {
              "complete-order-in-erp": { "Incoming": "wms-shipments", "Outgoing": "erp" },
              "send-tracking-to-shop": { "Incoming": "wms-shipments", "Transformers": [ ], "Outgoing": "shop" }
            }
          }
        }
        """;

    [Test]
    public void The_configuration_contract_builds_the_same_model_as_code()
    {
        var fromConfiguration = BuildModel(ArchitectureExample);
        var fromCode = BuildModel(webhooks => webhooks
            .AddIncoming("wms-shipments", incoming => incoming.ParseXml(XmlReadMethod.Incremental).PatternToItems("shipments.shipment"))
            .AddWebhook("wms-shipments", webhook => webhook.Incoming("wms-shipments").ValidateHeader("X-Alumio-Auth", "VerySecret"))
            .AddOutgoing("erp", o => o.Http(HttpMethod.Post, "http://erp.local/orders/&{orderId}/complete"))
            .AddOutgoing("shop", o => o.Http(HttpMethod.Post, "http://shop.local/tracking"))
            .AddRoute("complete-order-in-erp", r => r.From("wms-shipments").To("erp"))
            .AddRoute("send-tracking-to-shop", r => r.From("wms-shipments").To("shop")));

        foreach (var model in new[] { fromConfiguration, fromCode })
        {
            var webhook = model.Webhooks["wms-shipments"];
            webhook.Incoming.Should().Equal("wms-shipments");
            webhook.Validators.Should().ContainSingle().Which.Should().BeOfType<HeaderRequestValidator>().Which.Header.Should().Be("X-Alumio-Auth");
            var incoming = model.Incoming["wms-shipments"];
            incoming.Parser.Should().BeOfType<XmlParser>().Which.ReadMethod.Should().Be(XmlReadMethod.Incremental);
            incoming.Splitter.Should().BeOfType<PatternItemSplitter>().Which.Pattern!.Text.Should().Be("shipments.shipment");
            model.Outgoing["erp"].Should().BeOfType<HttpOutgoing>().Which.Options.Should().BeEquivalentTo(new { Method = HttpMethod.Post, Url = "http://erp.local/orders/&{orderId}/complete" });
            model.GetRoutes("wms-shipments").Select(r => (r.Name, r.OutgoingName)).Should().Equal(("complete-order-in-erp", "erp"), ("send-tracking-to-shop", "shop"));
            model.Routes["send-tracking-to-shop"].Transformers.Should().BeEmpty();
        }
    }

    [Test]
    public void Broken_configuration_lists_every_problem_at_once()
    {
        const string broken = """
            {
              "Alumio": {
                "Webhook": { },
                "Webhooks": {
                  "a": { "Incoming": "missing-in", "Validators": [ { "Prototype": "heder" }, { "Prototype": "header", "Value": "x", "Colour": "red" } ], "Secret": "x" },
                  "b": { "Incoming": "in", "Validators": { "Prototype": "header" } },
                  "c": { },
                  "d": { "Incoming": "unrouted" },
                  "bad id": { "Incoming": "in" }
                },
                "Incoming": {
                  "in": { "Parser": { "Prototype": "xml", "ReadMethod": "Sometimes", "Namespaces": "Keep,Strip" }, "PatternToItems": "a..b" },
                  "noparser": { "PatternToItems": "x" },
                  "unrouted": { "Parser": "json" }
                },
                "Outgoing": {
                  "erp": { "Prototype": "http", "Urll": "http://erp" },
                  "ftp": { "Prototype": "http", "Url": "ftp://files" },
                  "none": { "Method": "POST" }
                },
                "Routes": {
                  "r1": { "Incoming": "in", "Outgoing": "nowhere" },
                  "r2": { "Incoming": "ghost", "Outgoing": "erp", "Transformers": [ { "Prototype": "teleport" } ] },
                  "r3": { "Outgoing": "erp", "Retries": 3 },
                  "r4": { "Incoming": "noparser", "Outgoing": "ftp" }
                }
              }
            }
            """;

        var act = () => BuildModel(broken);

        var errors = act.Should().Throw<AlumioConfigurationException>().Which.Errors;
        errors.Should().Contain(e => e.Contains("Alumio:Webhook is not a setting", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Alumio:Webhooks:a:Secret is not a setting", StringComparison.Ordinal));
        errors.Should().Contain("Alumio:Webhooks:a:Validators:0:Prototype 'heder' is not a known validator prototype; known validator prototypes: basic, bearer, github, header, hmac, ip, query, shopify, slack, standard-webhooks, stripe.");
        errors.Should().Contain("Alumio:Webhooks:a:Validators:1:Header is required.");
        errors.Should().Contain("Alumio:Webhooks:a:Validators:1:Colour is not a setting of prototype 'header'.");
        errors.Should().Contain("Alumio:Webhooks:a feeds incoming 'missing-in', which is not configured.");
        errors.Should().Contain(e => e.StartsWith("Alumio:Webhooks:b:Validators must be a list", StringComparison.Ordinal));
        errors.Should().Contain("Alumio:Webhooks:c names no Incoming to feed.");
        errors.Should().Contain(e => e.StartsWith("Alumio:Webhooks:d feeds incoming 'unrouted', but no route takes its items", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("the identifier 'bad id' may hold only", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("Alumio:Incoming:in:Parser:ReadMethod 'Sometimes' is not one of WholeFile, Incremental", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("Alumio:Incoming:in has an invalid PatternToItems 'a..b'", StringComparison.Ordinal) && e.Contains("position 3", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("Alumio:Incoming:noparser has no Parser", StringComparison.Ordinal));
        errors.Should().Contain("Alumio:Outgoing:erp:Url is required.");
        errors.Should().Contain("Alumio:Outgoing:erp:Urll is not a setting of prototype 'http'.");
        errors.Should().Contain(e => e.StartsWith("Alumio:Outgoing:ftp: The URL 'ftp://files' is not an absolute http or https URL", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("Alumio:Outgoing:none:Prototype is required", StringComparison.Ordinal));
        errors.Should().Contain("Alumio:Routes:r1 names outgoing 'nowhere', which is not configured.");
        errors.Should().Contain("Alumio:Routes:r2 names incoming 'ghost', which is not configured.");
        errors.Should().Contain(e => e.StartsWith("Alumio:Routes:r2:Transformers:0:Prototype 'teleport' is not a known transformer prototype", StringComparison.Ordinal));
        errors.Should().Contain("Alumio:Routes:r3 has no Incoming.");
        errors.Should().Contain(e => e.StartsWith("Alumio:Routes:r3:Retries is not a setting of a route", StringComparison.Ordinal));
        errors.Should().Contain(e => e.EndsWith("known transformer prototypes: brancher, chain, conditional, copy, filter, key-filter, key-mapper, merger, move, type-setter, value-mapper, value-remover, value-setter.", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("Alumio:Incoming:in:Parser:Namespaces 'Keep,Strip' is not one of Keep, Strip", StringComparison.Ordinal));
        errors.Should().HaveCount(23);
    }

    [Test]
    public void Secrets_never_appear_in_configuration_errors()
    {
        const string json = """
            { "Alumio": {
                "Webhooks": { "w": { "Incoming": "in", "Validators": [ { "Prototype": "header", "Header": "X-Auth", "Value": "TopSecret42", "Extra": 1 } ] } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "o": { "Prototype": "http", "Url": "http://user:PassWord9@host/x?token=Tok3n&{a" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "o" } } } }
            """;

        var act = () => BuildModel(json);

        var message = act.Should().Throw<AlumioConfigurationException>().Which.Message;
        message.Should().NotContain("TopSecret42").And.NotContain("PassWord9").And.NotContain("Tok3n");
    }

    [Test]
    public void An_identifier_declared_in_code_and_in_configuration_is_a_duplicate()
    {
        var act = () => BuildModel(ArchitectureExample, webhooks => webhooks.AddOutgoing("ERP", o => o.Use(new RecordingOutgoing())));

        act.Should().Throw<AlumioConfigurationException>()
            .Which.Errors.Should().ContainSingle().Which.Should().Be("The outgoing 'erp' is declared twice: in code and in Alumio:Outgoing:erp.");
    }

    [Test]
    public void A_parser_may_be_named_by_its_prototype_alone()
    {
        var model = BuildModel("""
            { "Alumio": {
                "Webhooks": { "w": { "Incoming": "in" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "o": { "Prototype": "http", "Url": "https://example.invalid/x" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "o" } } } }
            """);

        model.Incoming["in"].Parser.Should().BeOfType<JsonParser>();
        model.Incoming["in"].Splitter.Should().BeSameAs(PatternItemSplitter.WholeDocument);
    }

    [Test]
    public void Custom_prototypes_read_their_own_settings_and_unknown_keys_are_reported()
    {
        const string json = """
            { "Alumio": {
                "Webhooks": {
                  "w": { "Incoming": "in", "Validators": [ { "Prototype": "source", "Allowed": [ "wms-1", "wms-2" ] } ] },
                  "v": { "Incoming": "in", "Validators": [ { "Prototype": "SOURCE", "Alowed": "typo" } ] }
                },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "o": { "Prototype": "http", "Url": "https://example.invalid/x" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "o" } } } }
            """;
        void Register(AlumioWebhooksBuilder webhooks) =>
            webhooks.AddValidatorPrototype("source", context => new SourceValidator(context.GetStrings("Allowed")));

        var act = () => BuildModel(json, Register);

        act.Should().Throw<AlumioConfigurationException>().Which.Errors.Should().Equal("Alumio:Webhooks:v:Validators:0:Alowed is not a setting of prototype 'source'.");
        var model = BuildModel(json.Replace("\"Alowed\": \"typo\"", "\"Allowed\": \"wms-3\"", StringComparison.Ordinal), Register);
        model.Webhooks["w"].Validators.Should().ContainSingle().Which.Should().BeOfType<SourceValidator>().Which.Allowed.Should().Equal("wms-1", "wms-2");
        model.Webhooks["v"].Validators.Should().ContainSingle().Which.Should().BeOfType<SourceValidator>().Which.Allowed.Should().Equal("wms-3");
    }

    [Test]
    public async Task A_validator_from_DI_gets_its_dependencies_and_decides()
    {
        await using var host = TestHost.Create(
            webhooks => webhooks
                .AddIncoming("in", incoming => incoming.ParseJson())
                .AddWebhook("w", webhook => webhook.Incoming("in").Validate<SourceFromServicesValidator>())
                .AddOutgoing("o", o => o.Use(new RecordingOutgoing()))
                .AddRoute("r", r => r.From("in").To("o")),
            services => services.AddSingleton(new SourceValidator(["wms-1"])));

        var refused = await host.Receiver.ReceiveAsync("w", new TestRequest("{}").WithHeader("X-Source", "wms-9"), CancellationToken.None);
        var accepted = await host.Receiver.ReceiveAsync("w", new TestRequest("{}").WithHeader("X-Source", "wms-1"), CancellationToken.None);

        refused.Problem!.StatusCode.Should().Be(403);
        refused.Problem.Title.Should().Be("Forbidden");
        accepted.Succeeded.Should().BeTrue();
    }

    [Test]
    public async Task Calling_AddAlumioWebhooks_twice_is_harmless()
    {
        var services = new ServiceCollection();
        services.AddAlumioWebhooks(Configuration(ArchitectureExample));
        var count = services.Count;

        services.AddAlumioWebhooks();

        services.Count.Should().Be(count);
        services.Count(d => d.ServiceType == typeof(IHostedService)).Should().Be(2);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<WebhookModel>().Webhooks.Should().ContainKey("wms-shipments");
        provider.GetServices<WebhookReceiver>().Should().ContainSingle();
    }

    [Test]
    public void A_host_can_replace_the_task_store()
    {
        var store = new Alumio.Webhooks.Tasks.InMemoryTaskStore(TimeProvider.System);
        var services = new ServiceCollection();
        services.AddSingleton<Alumio.Webhooks.Tasks.ITaskStore>(store);

        services.AddAlumioWebhooks();

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<Alumio.Webhooks.Tasks.ITaskStore>().Should().BeSameAs(store);
    }

    [Test]
    public async Task Start_up_fails_on_bad_processor_options_together_with_model_errors()
    {
        var services = new ServiceCollection();
        services.AddAlumioWebhooks(webhooks => webhooks
            .ConfigureProcessor(options => options.BatchSize = 0)
            .Configure(options => options.BasePath = "api")
            .AddWebhook("w", webhook => webhook.Incoming("nowhere")));
        await using var provider = services.BuildServiceProvider();

        var act = async () =>
        {
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }
        };

        var errors = (await act.Should().ThrowAsync<AlumioConfigurationException>()).Which.Errors;
        errors.Should().Equal(
            "The webhook 'w' (declared in code) feeds incoming 'nowhere', which is not configured.",
            "Processor: BatchSize must be between 1 and 1000; it is 0.",
            "BasePath must start with '/'; it is 'api'.");
    }

    [Test]
    public void Delivery_and_idempotency_keys_of_the_contract_build_the_same_model_as_code()
    {
        const string json = """
            { "Alumio": {
                "Webhooks": { "github": { "Incoming": "in", "IdempotencyKey": "header:X-GitHub-Delivery", "IdempotencyWindow": "2.00:00:00" },
                              "orders": { "Incoming": "in", "IdempotencyKey": "pattern:order.id" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "erp": { "Prototype": "http", "Url": "http://erp.local/orders" } },
                "Routes": { "erp": { "Incoming": "in", "Outgoing": "erp", "Retry": { "MaxRetries": 10, "MaxInterval": "06:00:00" }, "RealTime": true, "MaxConcurrency": 4 },
                            "plain": { "Incoming": "in", "Outgoing": "erp", "Retry": { "MaxRetries": 3 } } } } }
            """;
        var fromConfiguration = BuildModel(json);
        var fromCode = BuildModel(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson())
            .AddWebhook("github", webhook => webhook.Incoming("in").IdempotencyKey("header:X-GitHub-Delivery", TimeSpan.FromDays(2)))
            .AddWebhook("orders", webhook => webhook.Incoming("in").IdempotencyKey("pattern:order.id"))
            .AddOutgoing("erp", o => o.Http(HttpMethod.Post, "http://erp.local/orders"))
            .AddRoute("erp", r => r.From("in").To("erp").Retry(10, TimeSpan.FromHours(6)).RealTime().MaxConcurrency(4))
            .AddRoute("plain", r => r.From("in").To("erp").Retry(3)));

        foreach (var model in new[] { fromConfiguration, fromCode })
        {
            model.Webhooks["github"].IdempotencyKey!.Header.Should().Be("X-GitHub-Delivery");
            model.Webhooks["github"].IdempotencyKey!.Window.Should().Be(TimeSpan.FromDays(2));
            model.Webhooks["orders"].IdempotencyKey!.Pattern!.Text.Should().Be("order.id");
            model.Webhooks["orders"].IdempotencyKey!.Window.Should().Be(TimeSpan.FromDays(1));
            var erp = model.Routes["erp"];
            erp.Retry.MaxRetries.Should().Be(10);
            erp.Retry.MaxInterval.Should().Be(TimeSpan.FromHours(6));
            erp.RealTime.Should().BeTrue();
            erp.MaxConcurrency.Should().Be(4);
            var plain = model.Routes["plain"];
            plain.Retry.MaxRetries.Should().Be(3);
            plain.RealTime.Should().BeFalse();
            plain.MaxConcurrency.Should().BeNull();
        }
    }

    [Test]
    public void Bad_delivery_and_idempotency_keys_are_listed_together()
    {
        const string json = """
            { "Alumio": {
                "Webhooks": { "a": { "Incoming": "in", "IdempotencyKey": "cookie:x" },
                              "b": { "Incoming": "in", "IdempotencyWindow": "1.00:00:00" },
                              "c": { "Incoming": "in", "IdempotencyKey": "header:Idempotency-Key", "IdempotencyWindow": "31.00:00:00" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "erp": { "Prototype": "http", "Url": "http://erp.local/orders" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "erp", "Retry": { "MaxRetries": 11, "MaxInterval": "07:00:00", "Backoff": "x" }, "RealTime": "yes", "MaxConcurrency": 0 },
                            "s": { "Incoming": "in", "Outgoing": "erp", "Retry": { "MaxInterval": "00:10:00" } } } } }
            """;

        var act = () => BuildModel(json);

        act.Should().Throw<AlumioConfigurationException>().Which.Errors.Should().BeEquivalentTo(
            "Alumio:Webhooks:a:IdempotencyKey 'cookie:x' is neither header:<name> nor pattern:<path>, such as header:Idempotency-Key or pattern:order.id.",
            "Alumio:Webhooks:b:IdempotencyWindow is set without an IdempotencyKey.",
            "Alumio:Webhooks:c:IdempotencyWindow '31.00:00:00' must be a duration from 00:00:01 to 30.00:00:00, such as 1.00:00:00.",
            "Alumio:Routes:r:Retry:Backoff is not a setting of a route's Retry; expected MaxRetries, MaxInterval.",
            "Alumio:Routes:r:Retry:MaxRetries '11' must be a whole number from 0 to 10.",
            "Alumio:Routes:r:Retry:MaxInterval '07:00:00' must be a duration from 00:00:01 to 06:00:00.",
            "Alumio:Routes:r:RealTime 'yes' must be true or false.",
            "Alumio:Routes:r:MaxConcurrency '0' must be a whole number from 1 to 1024.",
            "Alumio:Routes:s:Retry:MaxRetries is required, from 0 to 10.");
    }

    private static WebhookModel BuildModel(string json, Action<AlumioWebhooksBuilder>? configure = null) =>
        BuildModel(webhooks =>
        {
            webhooks.AddConfiguration(Configuration(json));
            configure?.Invoke(webhooks);
        });

    private static WebhookModel BuildModel(Action<AlumioWebhooksBuilder> configure)
    {
        var services = new ServiceCollection();
        configure(services.AddAlumioWebhooks());
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<WebhookModel>();
    }

    private static IConfigurationSection Configuration(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Alumio");

    private sealed class SourceValidator(IReadOnlyList<string> allowed) : IRequestValidator
    {
        public IReadOnlyList<string> Allowed { get; } = allowed;

        public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(request.TryGetHeader("X-Source", out var source) && Allowed.Contains(source.ToString())
                ? RequestValidationResult.Success
                : RequestValidationResult.Fail(403, "This source may not send."));
    }

    private sealed class SourceFromServicesValidator(SourceValidator inner) : IRequestValidator
    {
        public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken) =>
            inner.ValidateAsync(request, cancellationToken);
    }
}
