using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Tests.Tasks;

public class TaskIdsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void Ids_are_version_7_with_the_time_in_their_first_48_bits()
    {
        var id = new TaskIds().NextId(Now);

        id.Version.Should().Be(7);
        (id.Variant & 0xC).Should().Be(0x8, "the variant bits are 10, as RFC 9562 sets them");
        var bytes = id.ToByteArray(bigEndian: true);
        var milliseconds = 0L;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }

        milliseconds.Should().Be(Now.ToUnixTimeMilliseconds());
    }

    [Test]
    public void Ids_increase_strictly_within_a_millisecond_and_across_threads()
    {
        var generator = new TaskIds();
        var ids = new Guid[8][];
        Parallel.For(0, ids.Length, thread =>
        {
            var own = ids[thread] = new Guid[5_000];
            for (var i = 0; i < own.Length; i++)
            {
                own[i] = generator.NextId(Now);
            }
        });

        foreach (var own in ids)
        {
            own.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
            own.Should().OnlyContain(id => id.Version == 7 && (id.Variant & 0xC) == 0x8);
        }

        ids.SelectMany(own => own).Should().OnlyHaveUniqueItems();
    }

    [Test]
    public void Ids_of_a_later_millisecond_sort_after_those_of_an_earlier_one()
    {
        var generator = new TaskIds();
        var earlier = generator.NextId(Now);
        var later = generator.NextId(Now.AddMilliseconds(1));
        var laterStill = TaskIds.Next(DateTimeOffset.UtcNow);

        later.CompareTo(earlier).Should().BePositive();
        laterStill.Version.Should().Be(7, "the process's own generator makes the same ids");
    }
}
