namespace Alumio.Webhooks.PostgreSql.Tests.Support;

/// <summary>Waits for background work to reach a state; fails with a message when it does not within the deadline.</summary>
public static class Eventually
{
    public static async Task Async(Func<Task<bool>> condition, string what, int timeoutSeconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Within {timeoutSeconds} seconds: {what}");
            }

            await Task.Delay(25);
        }
    }

    public static Task Async(Func<bool> condition, string what, int timeoutSeconds = 10) =>
        Async(() => Task.FromResult(condition()), what, timeoutSeconds);
}
