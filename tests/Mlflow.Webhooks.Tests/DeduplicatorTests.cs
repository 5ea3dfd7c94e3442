using Microsoft.Extensions.Time.Testing;

namespace Mlflow.Webhooks.Tests;

public sealed class DeduplicatorTests
{
    [Fact]
    public async Task A_handled_delivery_id_is_refused_until_the_retention_ends()
    {
        var clock = new FakeTimeProvider(TestDeliveries.Now);
        var dedup = new InMemoryWebhookDeliveryDeduplicator(TimeSpan.FromMinutes(10), timeProvider: clock);
        var delivery = TestDeliveries.Verified("d-1");

        Assert.True(await dedup.TryBeginAsync(delivery));
        Assert.False(await dedup.TryBeginAsync(delivery)); // in progress
        await dedup.EndAsync(delivery, handled: true);
        Assert.False(await dedup.TryBeginAsync(delivery)); // handled

        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.False(await dedup.TryBeginAsync(delivery));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(await dedup.TryBeginAsync(delivery));
    }

    [Fact]
    public async Task A_failed_attempt_lets_the_retry_through()
    {
        var dedup = new InMemoryWebhookDeliveryDeduplicator(TimeSpan.FromMinutes(10), timeProvider: new FakeTimeProvider(TestDeliveries.Now));
        var delivery = TestDeliveries.Verified("d-2");

        Assert.True(await dedup.TryBeginAsync(delivery));
        await dedup.EndAsync(delivery, handled: false);
        Assert.Equal(0, dedup.Count);
        Assert.True(await dedup.TryBeginAsync(delivery));
        await dedup.EndAsync(delivery, handled: true);
        Assert.False(await dedup.TryBeginAsync(delivery));

        // Ending twice, or ending an id never claimed, changes nothing.
        await dedup.EndAsync(delivery, handled: false);
        await dedup.EndAsync(TestDeliveries.Verified("never-claimed"), handled: true);
        Assert.False(await dedup.TryBeginAsync(delivery));
        Assert.Equal(1, dedup.Count);
    }

    [Fact]
    public async Task The_oldest_handled_ids_are_forgotten_beyond_the_capacity()
    {
        var dedup = new InMemoryWebhookDeliveryDeduplicator(TimeSpan.FromHours(1), capacity: 3, timeProvider: new FakeTimeProvider(TestDeliveries.Now));
        var deliveries = Enumerable.Range(0, 5).Select(i => TestDeliveries.Verified("id-" + i)).ToArray();
        foreach (var delivery in deliveries)
        {
            Assert.True(await dedup.TryBeginAsync(delivery));
            await dedup.EndAsync(delivery, handled: true);
        }

        Assert.Equal(3, dedup.Count);
        Assert.True(await dedup.TryBeginAsync(deliveries[0]));
        Assert.True(await dedup.TryBeginAsync(deliveries[1]));
        Assert.False(await dedup.TryBeginAsync(deliveries[2]));
        Assert.False(await dedup.TryBeginAsync(deliveries[4]));
    }

    [Fact]
    public async Task Concurrent_claims_of_one_id_admit_exactly_one()
    {
        var dedup = new InMemoryWebhookDeliveryDeduplicator();
        var delivery = TestDeliveries.Verified("contended");
        var claims = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await dedup.TryBeginAsync(delivery))));
        Assert.Equal(1, claims.Count(c => c));
    }
}
