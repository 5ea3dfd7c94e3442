namespace Mlflow.Webhooks;

/// <summary>
/// An in-process <see cref="IWebhookDeliveryDeduplicator"/>: remembers handled delivery ids for <see cref="Retention"/>
/// (default 10 minutes, twice the default timestamp tolerance, after which the verifier rejects a replay as stale
/// anyway) and at most <see cref="Capacity"/> of them (oldest forgotten first). Deliveries being handled are always
/// remembered until they end. Thread-safe. For several receiver instances use a shared store instead.
/// </summary>
public sealed class InMemoryWebhookDeliveryDeduplicator : IWebhookDeliveryDeduplicator
{
    /// <summary>The default retention, 10 minutes.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromMinutes(10);

    /// <summary>The default capacity, 100,000 handled ids.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, DateTimeOffset?> _entries = new(StringComparer.Ordinal); // null: in progress
    private readonly Queue<(string Id, DateTimeOffset ExpiresAt)> _handled = new();
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a de-duplicator with the default retention and capacity on the system clock.</summary>
    public InMemoryWebhookDeliveryDeduplicator()
        : this(DefaultRetention, DefaultCapacity, TimeProvider.System)
    {
    }

    /// <summary>Creates a de-duplicator.</summary>
    /// <param name="retention">How long a handled id is remembered; should be at least twice the verifier's tolerance.</param>
    /// <param name="capacity">The most handled ids remembered.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public InMemoryWebhookDeliveryDeduplicator(TimeSpan retention, int capacity = DefaultCapacity, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retention, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Retention = retention;
        Capacity = capacity;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How long a handled delivery id is remembered.</summary>
    public TimeSpan Retention { get; }

    /// <summary>The most handled delivery ids remembered.</summary>
    public int Capacity { get; }

    /// <summary>The number of ids currently remembered (handled or in progress).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryBeginAsync(VerifiedWebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            if (_entries.ContainsKey(delivery.DeliveryId))
            {
                return ValueTask.FromResult(false);
            }

            _entries[delivery.DeliveryId] = null;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask EndAsync(VerifiedWebhookDelivery delivery, bool handled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!_entries.TryGetValue(delivery.DeliveryId, out var state) || state is not null)
            {
                return ValueTask.CompletedTask; // not claimed, or already ended
            }

            if (!handled)
            {
                _entries.Remove(delivery.DeliveryId);
                return ValueTask.CompletedTask;
            }

            var expiresAt = now + Retention;
            _entries[delivery.DeliveryId] = expiresAt;
            _handled.Enqueue((delivery.DeliveryId, expiresAt));
            while (_handled.Count > Capacity)
            {
                Forget(_handled.Dequeue());
            }
        }

        return ValueTask.CompletedTask;
    }

    private void Sweep(DateTimeOffset now)
    {
        // Retention is constant, so the queue is in expiry order.
        while (_handled.TryPeek(out var oldest) && oldest.ExpiresAt <= now)
        {
            Forget(_handled.Dequeue());
        }
    }

    private void Forget((string Id, DateTimeOffset ExpiresAt) item)
    {
        if (_entries.TryGetValue(item.Id, out var state) && state == item.ExpiresAt)
        {
            _entries.Remove(item.Id);
        }
    }
}
