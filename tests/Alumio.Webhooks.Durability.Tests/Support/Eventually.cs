namespace Alumio.Webhooks.Durability.Tests.Support;

public static class Eventually
{
    /// <summary>Waits until the condition holds, checking every 100 ms, and fails the test when it never does.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The condition did not hold within {timeout}.");
    }
}
