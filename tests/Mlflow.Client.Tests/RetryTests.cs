using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Kiota.Abstractions;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

/// <summary>
/// The retry matrix, on a fake clock: the driver advances time exactly to each timer the pipeline arms, and the
/// fault-injecting handler records when (in fake time) each attempt arrived, so delays are measured exactly.
/// </summary>
public class RetryTests
{
    private static (MlflowClient Client, SteppedTimeProvider Time) Create(ScriptedHandler handler, Action<MlflowClientOptions>? configure = null, SteppedTimeProvider? time = null)
    {
        time ??= new SteppedTimeProvider();
        var client = Clients.Create(handler, o =>
        {
            o.Timeout = Timeout.InfiniteTimeSpan;
            configure?.Invoke(o);
        }, time);
        return (client, time);
    }

    private static double[] Delays(ScriptedHandler handler)
    {
        var times = handler.Attempts.Select(a => a.Time).ToArray();
        return [.. times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds)];
    }

    private static Task<Stream?> Post(MlflowClient client) =>
        Clients.SendAsync(client, Method.POST, "/api/2.0/mlflow/runs/log-metric", """{"run_id":"r","key":"k","value":1.0,"timestamp":1}""");

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Retryable_status_is_retried_with_exponential_backoff(int status)
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time)
            .Respond((HttpStatusCode)status, "").Respond((HttpStatusCode)status, "").Respond((HttpStatusCode)status, "")
            .Respond(HttpStatusCode.OK);
        var (client, _) = Create(handler, o => o.MaxRetries = 3, time);
        using (client)
        {
            await time.RunAsync(() => Post(client));
        }

        Assert.Equal(4, handler.Attempts.Count);
        Assert.Equal([0, 4, 8], Delays(handler));
    }

    [Fact]
    public async Task Default_policy_is_pythons_seven_retries_0_4_8_16_32_64_120()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).ThenAlways(HttpStatusCode.InternalServerError, """{"error_code":"INTERNAL_ERROR","message":"boom"}""");
        var (client, _) = Create(handler, configure: null, time);
        using (client)
        {
            var ex = await Assert.ThrowsAsync<MlflowServerException>(() => time.RunAsync(() => Post(client)));
            Assert.Equal(MlflowErrorCode.InternalError, ex.ErrorCode);
            Assert.Equal("boom", ex.ServerMessage);
        }

        Assert.Equal(8, handler.Attempts.Count);
        Assert.Equal([0, 4, 8, 16, 32, 64, 120], Delays(handler));
    }

    [Fact]
    public async Task Exhausted_retries_translate_only_the_final_answer()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time)
            .Respond(HttpStatusCode.ServiceUnavailable, "first", "text/plain")
            .Respond(HttpStatusCode.BadGateway, "second", "text/plain")
            .Respond(HttpStatusCode.ServiceUnavailable, "last answer", "text/plain");
        var (client, _) = Create(handler, o => o.MaxRetries = 2, time);
        using (client)
        {
            var ex = await Assert.ThrowsAsync<MlflowServerException>(() => time.RunAsync(() => Post(client)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
            Assert.Equal("last answer", ex.ResponseBody);
            Assert.Equal(MlflowErrorCode.TemporarilyUnavailable, ex.ErrorCode);
        }

        Assert.Equal(3, handler.Attempts.Count);
    }

    [Theory]
    [InlineData(400, typeof(MlflowBadRequestException))]
    [InlineData(401, typeof(MlflowUnauthenticatedException))]
    [InlineData(403, typeof(MlflowPermissionDeniedException))]
    [InlineData(404, typeof(MlflowNotFoundException))]
    [InlineData(409, typeof(MlflowConflictException))]
    [InlineData(422, typeof(MlflowBadRequestException))]
    [InlineData(501, typeof(MlflowServerException))]
    public async Task Other_statuses_are_not_retried(int status, Type expected)
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).Respond((HttpStatusCode)status, "no", "text/plain").ThenAlways(HttpStatusCode.OK);
        var (client, _) = Create(handler, configure: null, time);
        using (client)
        {
            var ex = await Assert.ThrowsAnyAsync<MlflowException>(() => time.RunAsync(() => Post(client)));
            Assert.IsType(expected, ex);
            Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        }

        Assert.Single(handler.Attempts);
    }

    [Fact]
    public async Task Retry_after_seconds_replaces_the_backoff_on_429()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time)
            .Respond(HttpStatusCode.TooManyRequests, "", configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)))
            .Respond(HttpStatusCode.TooManyRequests, "", configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)))
            .Respond(HttpStatusCode.OK);
        var (client, _) = Create(handler, configure: null, time);
        using (client) await time.RunAsync(() => Post(client));
        Assert.Equal([30, 7], Delays(handler));
    }

    [Fact]
    public async Task Retry_after_http_date_is_honoured_on_503()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time)
            .Respond(HttpStatusCode.ServiceUnavailable, "", configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(45)))
            .Respond(HttpStatusCode.OK);
        var (client, _) = Create(handler, configure: null, time);
        using (client) await time.RunAsync(() => Post(client));
        Assert.Equal([45], Delays(handler));
    }

    [Fact]
    public async Task Retry_after_is_ignored_when_disabled()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time)
            .Respond(HttpStatusCode.TooManyRequests, "", configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)))
            .Respond(HttpStatusCode.TooManyRequests, "", configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)))
            .Respond(HttpStatusCode.OK);
        var (client, _) = Create(handler, o => o.RespectRetryAfter = false, time);
        using (client) await time.RunAsync(() => Post(client));
        Assert.Equal([0, 4], Delays(handler));
    }

    [Fact]
    public async Task Status_413_is_retried_only_with_retry_after_as_urllib3_does()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time)
            .Respond(HttpStatusCode.RequestEntityTooLarge, "", configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)))
            .Respond(HttpStatusCode.RequestEntityTooLarge, "too large", "text/plain");
        var (client, _) = Create(handler, configure: null, time);
        using (client)
        {
            var ex = await Assert.ThrowsAsync<MlflowException>(() => time.RunAsync(() => Post(client)));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, ex.StatusCode);
        }

        Assert.Equal([3], Delays(handler));
    }

    [Fact]
    public async Task Connection_reset_is_retried()
    {
        var time = new SteppedTimeProvider();
        var reset = new HttpRequestException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset));
        var handler = new ScriptedHandler(time).Throw(reset).Throw(reset).Respond(HttpStatusCode.OK);
        var (client, _) = Create(handler, configure: null, time);
        using (client) await time.RunAsync(() => Post(client));
        Assert.Equal(3, handler.Attempts.Count);
        Assert.Equal([0, 4], Delays(handler));
    }

    [Fact]
    public async Task Connection_failures_after_the_retries_are_a_transport_exception()
    {
        var time = new SteppedTimeProvider();
        var refused = new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var handler = new ScriptedHandler(time).Throw(refused).Throw(refused).Throw(refused);
        var (client, _) = Create(handler, o => o.MaxRetries = 2, time);
        using (client)
        {
            var ex = await Assert.ThrowsAsync<MlflowConnectionException>(() => time.RunAsync(() => Post(client)));
            Assert.IsType<HttpRequestException>(ex.InnerException);
            Assert.Equal(MlflowErrorCode.ConnectionFailed, ex.ErrorCode);
            Assert.Equal(3, ex.Attempts);
            Assert.Null(ex.StatusCode);
            Assert.Equal("POST", ex.TransportMethod);
            Assert.Contains("/api/2.0/mlflow/runs/log-metric", ex.TransportUri!.ToString());
        }

        Assert.Equal(3, handler.Attempts.Count);
    }

    [Fact]
    public async Task Attempt_timeout_is_retried()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).Hang().Respond(HttpStatusCode.OK);
        var (client, _) = Create(handler, o => { o.Timeout = TimeSpan.FromSeconds(10); o.MaxRetries = 1; }, time);
        using (client) await time.RunAsync(() => Post(client));
        Assert.Equal(2, handler.Attempts.Count);
        Assert.True(Delays(handler)[0] >= 10, "the second attempt starts after the first one's timeout");
    }

    [Fact]
    public async Task Timeouts_after_the_retries_are_a_timeout_exception()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).Hang().Hang();
        var (client, _) = Create(handler, o => { o.Timeout = TimeSpan.FromSeconds(10); o.MaxRetries = 1; }, time);
        using (client)
        {
            var ex = await Assert.ThrowsAsync<MlflowTimeoutException>(() => time.RunAsync(() => Post(client)));
            Assert.Equal(MlflowErrorCode.DeadlineExceeded, ex.ErrorCode);
        }

        Assert.Equal(2, handler.Attempts.Count);
    }

    [Fact]
    public async Task Overall_deadline_stops_retrying()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).ThenAlways(HttpStatusCode.InternalServerError, "");
        var (client, _) = Create(handler, o => o.RetryDeadline = TimeSpan.FromSeconds(20), time);
        using (client) await Assert.ThrowsAsync<MlflowServerException>(() => time.RunAsync(() => Post(client)));

        // 0 (t=0), 4 (t=4), 8 (t=12); the next delay, 16 s, would end at t=28 > 20.
        Assert.Equal([0, 4, 8], Delays(handler));
    }

    [Fact]
    public async Task Zero_retries_means_one_attempt()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).ThenAlways(HttpStatusCode.ServiceUnavailable, "");
        var (client, _) = Create(handler, o => o.MaxRetries = 0, time);
        using (client) await Assert.ThrowsAsync<MlflowServerException>(() => time.RunAsync(() => Post(client)));
        Assert.Single(handler.Attempts);
    }

    [Fact]
    public async Task Post_bodies_are_resent_unchanged_on_every_attempt()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).Respond(HttpStatusCode.BadGateway, "").Respond(HttpStatusCode.BadGateway, "").Respond(HttpStatusCode.OK);
        var (client, _) = Create(handler, configure: null, time);
        using (client) await time.RunAsync(() => Post(client));
        Assert.Equal(3, handler.Attempts.Count);
        Assert.All(handler.Attempts, a => Assert.Equal("""{"run_id":"r","key":"k","value":1.0,"timestamp":1}""", a.Body));
        Assert.All(handler.Attempts, a => Assert.Equal("application/json", a.Headers["Content-Type"]));
    }

    [Fact]
    public async Task Configured_status_list_replaces_the_default()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).Respond(HttpStatusCode.Conflict, "").Respond(HttpStatusCode.OK);
        var (client, _) = Create(handler, o => o.RetryStatusCodes = [409], time);
        using (client) await time.RunAsync(() => Post(client));
        Assert.Equal(2, handler.Attempts.Count);
    }

    [Fact]
    public async Task Jitter_adds_at_most_its_bound()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).ThenAlways(HttpStatusCode.InternalServerError, "");
        var (client, _) = Create(handler, o => { o.MaxRetries = 3; o.BackoffFactor = 1; o.BackoffJitter = 0.5; }, time);
        using (client) await Assert.ThrowsAsync<MlflowServerException>(() => time.RunAsync(() => Post(client)));
        var delays = Delays(handler);
        Assert.Equal(0, delays[0]);
        Assert.InRange(delays[1], 2, 2.5);
        Assert.InRange(delays[2], 4, 4.5);
    }

    [Theory]
    [InlineData(1, 2, 0)]
    [InlineData(2, 2, 4)]
    [InlineData(3, 2, 8)]
    [InlineData(7, 2, 120)]
    [InlineData(10, 2, 120)]
    [InlineData(4, 0, 0)]
    [InlineData(3, 0.5, 2)]
    public void Backoff_follows_urllib3(int retry, double factor, double expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), MlflowRetryPolicy.Backoff(retry, factor, 0, 0.7));
    }
}
