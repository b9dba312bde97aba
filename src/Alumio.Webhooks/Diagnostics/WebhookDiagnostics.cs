using System.Diagnostics;
using System.Diagnostics.Metrics;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Diagnostics;

/// <summary>
/// The one <see cref="Meter"/> and the one <see cref="ActivitySource"/> of the library, both named
/// <c>Alumio.Webhooks</c>. Tags are only built when an instrument is listened to.
/// </summary>
internal sealed class WebhookDiagnostics
{
    public const string Name = "Alumio.Webhooks";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _tasksCreated;
    private readonly Counter<long> _tasksCompleted;

    public WebhookDiagnostics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _requests = meter.CreateCounter<long>("alumio.webhooks.requests", "{request}", "Webhook requests answered, by webhook and status code.");
        _requestDuration = meter.CreateHistogram<double>("alumio.webhooks.request.duration", "s", "Time from receiving a webhook request to its answer.");
        _tasksCreated = meter.CreateCounter<long>("alumio.webhooks.tasks.created", "{task}", "Tasks stored for accepted requests, by webhook.");
        _tasksCompleted = meter.CreateCounter<long>("alumio.webhooks.tasks.completed", "{task}", "Tasks processed, by route and outcome status.");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    public void RequestAnswered(string webhook, int statusCode, TimeSpan duration)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, new KeyValuePair<string, object?>("alumio.webhook", webhook), new KeyValuePair<string, object?>("http.response.status_code", statusCode));
        }

        if (_requestDuration.Enabled)
        {
            _requestDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("alumio.webhook", webhook), new KeyValuePair<string, object?>("http.response.status_code", statusCode));
        }
    }

    public void TasksCreated(string webhook, int count)
    {
        if (_tasksCreated.Enabled && count > 0)
        {
            _tasksCreated.Add(count, new KeyValuePair<string, object?>("alumio.webhook", webhook));
        }
    }

    public void TaskCompleted(string route, WebhookTaskStatus status)
    {
        if (_tasksCompleted.Enabled)
        {
            _tasksCompleted.Add(1, new KeyValuePair<string, object?>("alumio.route", route), new KeyValuePair<string, object?>("alumio.task.status", status.ToString()));
        }
    }
}
