using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Alumio.Webhooks.Tests.Receiving;
using Alumio.Webhooks.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Diagnostics;

public class DiagnosticsTests
{
    [Test]
    public async Task Requests_and_tasks_are_counted_on_the_Alumio_Webhooks_meter()
    {
        await using var host = TestHost.Create(webhooks => WebhookReceiverTests.Warehouse(webhooks));
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Alumio.Webhooks" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        await host.Receiver.ReceiveAsync("wms-shipments", new TestRequest("<shipments><shipment/><shipment/></shipments>", "application/xml").WithHeader("X-Alumio-Auth", "VerySecret"), CancellationToken.None);
        await host.Receiver.ReceiveAsync("wms-shipments", new TestRequest("<shipments/>", "application/xml"), CancellationToken.None);
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        measurements.Where(m => m.Instrument == "alumio.webhooks.requests").Select(m => m.Tags["http.response.status_code"]).Should().Equal(200, 401);
        measurements.Should().ContainSingle(m => m.Instrument == "alumio.webhooks.tasks.created").Which.Value.Should().Be(4);
        measurements.Where(m => m.Instrument == "alumio.webhooks.tasks.completed").Should().HaveCount(4)
            .And.OnlyContain(m => (string?)m.Tags["alumio.task.status"] == "Finished");
    }

    [Test]
    public async Task Receiving_and_processing_are_traced_on_the_Alumio_Webhooks_source()
    {
        await using var host = TestHost.Create(webhooks => WebhookReceiverTests.Warehouse(webhooks));
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Alumio.Webhooks",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var result = await host.Receiver.ReceiveAsync("wms-shipments", new TestRequest("<shipments><shipment/></shipments>", "application/xml").WithHeader("X-Alumio-Auth", "VerySecret"), CancellationToken.None);
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var receive = activities.Should().ContainSingle(a => a.OperationName == "alumio.webhooks.receive" && (string?)a.GetTagItem("alumio.request_id") == result.RequestId).Which;
        receive.GetTagItem("alumio.tasks").Should().Be(2);
        activities.Count(a => a.OperationName == "alumio.webhooks.process").Should().BeGreaterThanOrEqualTo(2);
    }
}
