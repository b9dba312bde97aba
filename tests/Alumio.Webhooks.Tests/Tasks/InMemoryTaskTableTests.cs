using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Tests.Tasks;

/// <summary>The in-memory store's table of tasks, kept as values: every field reads back as it was written.</summary>
public class InMemoryTaskTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 5, 0, 0, TimeSpan.Zero);

    [TestCase("0193c4f2-7a1b-7c3d-8e4f-0123456789ab")]
    [TestCase("0193C4F2-7A1B-7C3D-8E4F-0123456789AB")]
    [TestCase("{0193c4f2-7a1b-7c3d-8e4f-0123456789ab}")]
    [TestCase("request-17")]
    [TestCase("")]
    public void A_request_id_reads_back_exactly_as_written(string requestId)
    {
        var table = new InMemoryTaskTable();
        var task = NewTask(requestId);

        table.Add(task.Id, task);

        table[task.Id].RequestId.Should().Be(requestId);
    }

    [Test]
    public void Every_field_reads_back_as_written_and_an_update_replaces_them()
    {
        var table = new InMemoryTaskTable();
        var task = NewTask(Guid.CreateVersion7(Now).ToString()) with
        {
            DueAt = Now.AddMinutes(5),
            LeaseId = Guid.NewGuid(),
            Captures = ["42", "lines"],
            ParentId = Guid.NewGuid(),
            FirstTransformer = 2,
        };

        table.Add(task.Id, task);
        var read = table[task.Id];
        var updated = read with { Status = WebhookTaskStatus.Failed, Attempts = 3, LastError = "HTTP 500", DueAt = null, LeaseId = null, UpdatedAt = Now.AddHours(1) };
        table[task.Id] = updated;

        read.Should().BeEquivalentTo(task, options => options.Excluding(t => t.Entity));
        read.EntityUtf8.ToArray().Should().Equal(task.EntityUtf8.ToArray());
        table[task.Id].Should().BeEquivalentTo(updated, options => options.Excluding(t => t.Entity));
        table[task.Id].Captures.Should().Equal("42", "lines");
        table.Count.Should().Be(1);
    }

    [Test]
    public void Removed_tasks_are_gone_and_their_slots_are_used_again_without_mixing_fields()
    {
        var table = new InMemoryTaskTable();
        var tasks = Enumerable.Range(0, 10_000).Select(i => NewTask("r" + i, i % 3 == 0 ? "erp" : "shop")).ToList();
        foreach (var task in tasks)
        {
            table.Add(task.Id, task);
        }

        var removed = tasks.Where((_, i) => i % 2 == 0).ToList();
        foreach (var task in removed)
        {
            table.Remove(task.Id).Should().BeTrue();
        }

        var added = Enumerable.Range(0, 3_000).Select(i => NewTask("new" + i, "wms")).ToList();
        foreach (var task in added)
        {
            table.TryAdd(task.Id, task).Should().BeTrue();
        }

        table.Count.Should().Be(10_000 - removed.Count + added.Count);
        removed.Should().OnlyContain(task => !table.ContainsKey(task.Id) && table.GetValueOrDefault(task.Id) == null);
        table.Remove(removed[0].Id).Should().BeFalse();
        foreach (var task in tasks.Except(removed).Concat(added))
        {
            table.TryGetValue(task.Id, out var read).Should().BeTrue();
            read.Should().BeEquivalentTo(task, options => options.Excluding(t => t.Entity));
        }
    }

    [Test]
    public void A_task_kept_already_is_not_added_twice_and_a_missing_one_is_no_task()
    {
        var table = new InMemoryTaskTable();
        var task = NewTask("r1");
        table.Add(task.Id, task);

        table.TryAdd(task.Id, task with { Route = "other" }).Should().BeFalse();
        var add = () => table.Add(task.Id, task);
        var missing = () => table[Guid.NewGuid()];

        add.Should().Throw<ArgumentException>();
        missing.Should().Throw<KeyNotFoundException>();
        table[task.Id].Route.Should().Be("erp");
    }

    private static WebhookTask NewTask(string requestId, string route = "erp") =>
        new(Guid.CreateVersion7(Now), requestId, "Orders", route, "{\"id\":1}"u8.ToArray(), WebhookTaskStatus.New, 0, null, Now, Now);
}
