namespace Alumio.Webhooks.AspNetCore.Tests.Support;

/// <summary>Waits for background work to reach a state; fails with a message when it does not within the deadline.</summary>
public static class Eventually
{
    public static async Task Async(Func<Task<bool>> condition, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The condition was not met within {timeoutSeconds} seconds.");
            }

            await Task.Delay(25);
        }
    }
}
