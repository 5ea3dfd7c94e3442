using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;

namespace Mlflow.Client.Tests.Infrastructure;

/// <summary>One request as the innermost handler saw it.</summary>
public sealed record RecordedAttempt(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body, DateTimeOffset Time);

/// <summary>
/// An in-process, fault-injecting HttpMessageHandler: answers each attempt with the next scripted step (a response,
/// an exception, or a hang until the attempt is cancelled) and records what it received and when (fake clock).
/// </summary>
public sealed class ScriptedHandler(TimeProvider? time = null) : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> steps = new();
    private readonly List<RecordedAttempt> attempts = [];
    private readonly TimeProvider time = time ?? TimeProvider.System;
    private Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? fallback;

    public IReadOnlyList<RecordedAttempt> Attempts { get { lock (attempts) return [.. attempts]; } }

    public ScriptedHandler Respond(HttpStatusCode status, string body = "{}", string contentType = "application/json", Action<HttpResponseMessage>? configure = null)
    {
        steps.Enqueue((request, _) =>
        {
            var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent(body) };
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            configure?.Invoke(response);
            return Task.FromResult(response);
        });
        return this;
    }

    public ScriptedHandler Throw(Exception exception)
    {
        steps.Enqueue((_, _) => Task.FromException<HttpResponseMessage>(exception));
        return this;
    }

    /// <summary>Never answers: the attempt ends only when its token is cancelled (a timeout).</summary>
    public ScriptedHandler Hang()
    {
        steps.Enqueue(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    /// <summary>Answers every attempt after the script with the same step.</summary>
    public ScriptedHandler ThenAlways(HttpStatusCode status, string body = "{}")
    {
        fallback = (request, _) => Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent(body) });
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers) headers[header.Key] = string.Join(",", header.Value);
        string? body = null;
        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers) headers[header.Key] = string.Join(",", header.Value);
            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        lock (attempts) attempts.Add(new RecordedAttempt(request.Method.Method, request.RequestUri!, headers, body, time.GetUtcNow()));
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> step;
        lock (steps)
        {
            step = steps.Count > 0 ? steps.Dequeue() : fallback ?? throw new InvalidOperationException("The script has no more steps.");
        }

        return await step(request, cancellationToken);
    }
}

/// <summary>
/// A TimeProvider over FakeTimeProvider that reports every timer it arms, so a test can advance the clock exactly
/// to the next timer (a retry delay or a timeout) instead of sleeping or polling.
/// </summary>
public sealed class SteppedTimeProvider : TimeProvider
{
    private readonly global::System.Threading.Channels.Channel<TimeSpan> armed = global::System.Threading.Channels.Channel.CreateUnbounded<TimeSpan>();

    public FakeTimeProvider Fake { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(Fake.CreateTimer(callback, state, dueTime, period), this);
        Report(dueTime);
        return timer;
    }

    private void Report(TimeSpan dueTime)
    {
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan) armed.Writer.TryWrite(dueTime);
    }

    /// <summary>Runs <paramref name="operation"/>, advancing the fake clock to each armed timer until it completes.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        var task = operation();
        while (true)
        {
            var next = armed.Reader.WaitToReadAsync().AsTask();
            await Task.WhenAny(task, next);
            if (task.IsCompleted) return await task;
            if (armed.Reader.TryRead(out var due)) Fake.Advance(due);
        }
    }

    public async Task RunAsync(Func<Task> operation) =>
        await RunAsync(async () => { await operation(); return 0; });

    private sealed class ObservedTimer(ITimer inner, SteppedTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            owner.Report(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
