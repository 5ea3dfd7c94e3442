using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Mlflow.Deployments.Tests.Infrastructure;
using static Mlflow.Deployments.Tests.DeploymentsServerReplayTests;

namespace Mlflow.Deployments.Tests;

/// <summary>
/// MLflow's deployments-client policy: retries on 429/500/502/503 only, urllib3 backoff (0, 4, 8, 16 s ...),
/// Retry-After, 120 s predict timeout, 300 s request timeout. Time is a <see cref="FakeTimeProvider"/>: nothing sleeps.
/// </summary>
public sealed class RetryAndTimeoutTests
{
    private static readonly WireExchange InvokeChat = WireExchange.Load("deployments", "invoke-chat");
    private static readonly WireExchange ProviderError = WireExchange.Load("deployments", "err-invoke-chat-provider-error");

    [Fact]
    public async Task Retries_429_500_502_503_with_urllib3_backoff_then_succeeds()
    {
        var time = new ObservableTimeProvider();
        var handler = new ReplayHandler();
        foreach (var status in new[] { 429, 500, 502, 503 })
        {
            handler.Enqueue(() => ReplayHandler.Answer(status, "{\"detail\":\"busy\"}", "application/json"));
        }

        handler.Enqueue(InvokeChat);
        using var client = Wire.DeploymentsClient(handler, maxRetries: 7, time: time);

        var call = client.PredictAsync(endpoint: "chat", inputs: InvokeChat.RequestBody!.DeepClone());

        await handler.WaitForRequestsAsync(2);                       // first retry: no wait
        foreach (var (seconds, requests) in new[] { (4, 3), (8, 4), (16, 5) })
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), await time.NextBackoffAsync());
            time.Advance(TimeSpan.FromSeconds(seconds));
            await handler.WaitForRequestsAsync(requests);
        }

        var response = await call;
        Assert.Equal(InvokeChat.ResponseRawBody, response.RawJson);
        Assert.Equal(5, handler.Sent.Count);
        Assert.All(handler.Sent, sent => Wire.AssertSent(InvokeChat, sent));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(408)]
    [InlineData(422)]
    [InlineData(501)]
    [InlineData(504)]
    public async Task Other_statuses_are_not_retried(int status)
    {
        var handler = new ReplayHandler();
        handler.Enqueue(() => ReplayHandler.Answer(status, "{\"detail\":\"no\"}", "application/json"));
        using var client = Wire.DeploymentsClient(handler, maxRetries: 7, time: new FakeTimeProvider());

        var e = await Assert.ThrowsAnyAsync<DeploymentsException>(() => client.PredictAsync(endpoint: "chat", inputs: Chat("hi")));

        Assert.Equal((HttpStatusCode)status, e.StatusCode);
        Assert.Single(handler.Sent);
    }

    [Fact]
    public async Task Exhausted_retries_report_the_last_answer()
    {
        var time = new ObservableTimeProvider();
        var handler = new ReplayHandler(ProviderError, ProviderError, ProviderError);
        using var client = Wire.DeploymentsClient(handler, maxRetries: 2, time: time);

        var call = client.PredictAsync(endpoint: "chat", inputs: Chat("Say hello"));
        await handler.WaitForRequestsAsync(2);
        Assert.Equal(TimeSpan.FromSeconds(4), await time.NextBackoffAsync());
        time.Advance(TimeSpan.FromSeconds(4));

        var e = await Assert.ThrowsAsync<DeploymentsException>(() => call);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Equal("The stub upstream failed on purpose (injected error).", e.Detail);
        Assert.Equal(3, handler.Sent.Count);
    }

    [Fact]
    public async Task Retry_After_on_429_is_honoured()
    {
        var time = new ObservableTimeProvider();
        var handler = new ReplayHandler();
        handler.Enqueue(() => ReplayHandler.Answer(429, "{\"error\":\"Rate limit exceeded: 2 per 1 minute\"}", "application/json", ("Retry-After", "7")));
        handler.Enqueue(InvokeChat);
        using var client = Wire.DeploymentsClient(handler, maxRetries: 7, time: time);

        var call = client.PredictAsync(endpoint: "chat", inputs: Chat("hi"));
        Assert.Equal(TimeSpan.FromSeconds(7), await time.NextBackoffAsync());
        time.Advance(TimeSpan.FromSeconds(7));

        Assert.Equal(InvokeChat.ResponseRawBody, (await call).RawJson);
    }

    [Fact]
    public async Task Rate_limit_answer_maps_to_a_clear_error()
    {
        // Body and status as the README's wire facts describe the slowapi answer (the corpus has no 429 recording).
        var handler = new ReplayHandler();
        handler.Enqueue(() => ReplayHandler.Answer(429, "{\"error\":\"Rate limit exceeded: 2 per 1 minute\"}", "application/json"));
        using var client = Wire.DeploymentsClient(handler, maxRetries: 0);

        var e = await Assert.ThrowsAsync<DeploymentsException>(() => client.PredictAsync(endpoint: "completions", inputs: new JsonObject { ["prompt"] = "x" }));

        Assert.True(e.IsRateLimited);
        Assert.Equal("Rate limit exceeded: 2 per 1 minute", e.Detail);
        Assert.Contains("429", e.Message);
    }

    [Fact]
    public async Task Connection_failures_are_retried()
    {
        var handler = new ReplayHandler();
        handler.Enqueue(() => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));
        handler.Enqueue(InvokeChat);
        using var client = Wire.DeploymentsClient(handler, maxRetries: 7, time: new FakeTimeProvider());

        Assert.Equal(InvokeChat.ResponseRawBody, (await client.PredictAsync(endpoint: "chat", inputs: Chat("hi"))).RawJson);
        Assert.Equal(2, handler.Sent.Count);
    }

    [Fact]
    public async Task Predict_times_out_after_MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT()
    {
        var time = new ObservableTimeProvider();
        var handler = new ReplayHandler { BeforeAnswer = (_, ct) => Task.Delay(Timeout.Infinite, ct) };
        using var client = Wire.DeploymentsClient(handler, maxRetries: 7, time: time);

        var call = client.PredictAsync(endpoint: "chat", inputs: Chat("hi"));
        await handler.WaitForRequestsAsync(1);
        Assert.Equal(TimeSpan.FromSeconds(120), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(120));

        var e = await Assert.ThrowsAsync<DeploymentsTimeoutException>(() => call);
        Assert.Equal(TimeSpan.FromSeconds(120), e.Timeout);
        Assert.Single(handler.Sent); // timeouts are not retried
    }

    [Fact]
    public async Task Other_requests_time_out_after_MLFLOW_DEPLOYMENT_CLIENT_HTTP_REQUEST_TIMEOUT()
    {
        var time = new ObservableTimeProvider();
        var handler = new ReplayHandler { BeforeAnswer = (_, ct) => Task.Delay(Timeout.Infinite, ct) };
        using var client = Wire.DeploymentsClient(handler, time: time);

        var call = client.GetEndpointAsync("chat");
        Assert.Equal(TimeSpan.FromSeconds(300), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(300));

        Assert.Equal(TimeSpan.FromSeconds(300), (await Assert.ThrowsAsync<DeploymentsTimeoutException>(() => call)).Timeout);
    }

    [Fact]
    public async Task A_supplied_HttpClient_timeout_is_reported_as_a_timeout()
    {
        var handler = new ReplayHandler { BeforeAnswer = (_, ct) => Task.Delay(Timeout.Infinite, ct) };
        var options = Wire.Options(handler, time: new FakeTimeProvider());
        // A supplied client holds the pipeline itself (as one from IHttpClientFactory would); its own timer runs on the system clock.
        var pipeline = MlflowHttpPipeline.Create(options.Resolve(new Uri(Wire.BaseUri)), timeProvider: options.TimeProvider, innerHandler: handler);
        options.HttpClient = new HttpClient(pipeline) { Timeout = TimeSpan.FromMilliseconds(1) };
        using var client = new MlflowDeploymentClient(Wire.BaseUri, options);

        var e = await Assert.ThrowsAsync<DeploymentsTimeoutException>(() => client.GetEndpointAsync("chat"));

        Assert.Equal(TimeSpan.FromMilliseconds(1), e.Timeout);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_a_timeout()
    {
        var handler = new ReplayHandler { BeforeAnswer = (_, ct) => Task.Delay(Timeout.Infinite, ct) };
        using var client = Wire.DeploymentsClient(handler, time: new FakeTimeProvider());
        using var cts = new CancellationTokenSource();

        var call = client.PredictAsync(endpoint: "chat", inputs: Chat("hi"), cancellationToken: cts.Token);
        await handler.WaitForRequestsAsync(1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public void Options_read_MLflow_environment_variables()
    {
        var env = new Dictionary<string, string>
        {
            ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "3",
            ["MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"] = "0.5",
            ["MLFLOW_HTTP_REQUEST_BACKOFF_JITTER"] = "0",
            ["MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER"] = "false",
            ["MLFLOW_DEPLOYMENT_CLIENT_HTTP_REQUEST_TIMEOUT"] = "30",
            ["MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT"] = "12.5",
        };
        var options = DeploymentClientOptions.FromEnvironment(env.GetValueOrDefault);

        Assert.Equal((3, 0.5, 0.0, false), (options.MaxRetries, options.BackoffFactor, options.BackoffJitter, options.RespectRetryAfterHeader));
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(12.5), options.PredictTimeout);

        var defaults = DeploymentClientOptions.FromEnvironment(_ => null);
        Assert.Equal((7, 2.0, 1.0, true), (defaults.MaxRetries, defaults.BackoffFactor, defaults.BackoffJitter, defaults.RespectRetryAfterHeader));
        Assert.Equal(TimeSpan.FromSeconds(300), defaults.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(120), defaults.PredictTimeout);
        Assert.Equal([429, 500, 502, 503], defaults.RetryStatusCodes.Order());
        var bad = Assert.Throws<MlflowConfigurationException>(() => DeploymentClientOptions.FromEnvironment(_ => "soon"));
        Assert.Contains("is not a number", bad.Message);
    }

    [Fact]
    public void Options_resolve_into_the_shared_settings_with_the_deployments_defaults()
    {
        var settings = new DeploymentClientOptions { EnvironmentSource = MlflowEnvironment.Empty }.Resolve(new Uri("http://127.0.0.1:5000/prefix/"));

        Assert.Equal("http://127.0.0.1:5000/prefix", settings.BaseUrl);
        Assert.Equal((7, 2.0, 1.0, true), (settings.MaxRetries, settings.BackoffFactor, settings.BackoffJitter, settings.RespectRetryAfter));
        Assert.Equal([429, 500, 502, 503], settings.RetryStatusCodes.Order());
        Assert.Equal(TimeSpan.FromSeconds(300), settings.Timeout);
    }

    [Theory]
    [InlineData(11, 0.0, "The maximum number of retries")]
    [InlineData(-1, 0.0, "The maximum number of retries")]
    [InlineData(3, 500.0, "The backoff factor")]
    public void Out_of_range_options_are_configuration_errors_before_anything_is_sent(int retries, double factor, string expected)
    {
        var handler = new ReplayHandler();
        var options = Wire.Options(handler);
        options.MaxRetries = retries;
        options.BackoffFactor = factor;

        var e = Assert.Throws<MlflowConfigurationException>(() => new MlflowDeploymentClient(Wire.BaseUri, options));

        Assert.Contains(expected, e.Message);
        Assert.Empty(handler.Sent);
    }

    [Fact]
    public void A_predict_timeout_under_10_ms_is_a_configuration_error_naming_the_deployments_setting()
    {
        var options = Wire.Options(new ReplayHandler());
        options.PredictTimeout = TimeSpan.FromMilliseconds(1);

        var e = Assert.Throws<MlflowConfigurationException>(() => new MlflowDeploymentClient(Wire.BaseUri, options));

        Assert.Contains("MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT / DeploymentClientOptions.PredictTimeout", e.Message);
        Assert.Contains("at least 10 ms", e.Message);
    }

    [Fact]
    public void Backoff_schedule_matches_urllib3_with_cap_and_jitter()
    {
        // The deployments client runs on the client's retry policy; its schedule is urllib3's.
        var defaults = new DeploymentClientOptions();
        Assert.Equal([0, 4, 8, 16, 32, 64, 120, 120], Enumerable.Range(1, 8).Select(n => MlflowRetryPolicy.Backoff(n, defaults.BackoffFactor, 0, 0).TotalSeconds));
        Assert.Equal([0, 4.5, 8.5], Enumerable.Range(1, 3).Select(n => MlflowRetryPolicy.Backoff(n, defaults.BackoffFactor, defaults.BackoffJitter, 0.5).TotalSeconds));
    }

    [Fact]
    public async Task Nothing_listening_is_a_deployments_error_that_explains_the_connection_failure()
    {
        var handler = new ReplayHandler();
        for (var i = 0; i < 3; i++)
        {
            handler.Enqueue(() => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:5000)",
                new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));
        }

        var time = new ObservableTimeProvider();
        using var client = Wire.DeploymentsClient(handler, maxRetries: 2, time: time);

        var call = client.PredictAsync(endpoint: "chat", inputs: Chat("hi"));
        await handler.WaitForRequestsAsync(2);
        Assert.Equal(TimeSpan.FromSeconds(4), await time.NextBackoffAsync());
        time.Advance(TimeSpan.FromSeconds(4));

        var e = await Assert.ThrowsAsync<DeploymentsException>(() => call);
        var connection = Assert.IsType<MlflowConnectionException>(e.InnerException);
        Assert.Equal(MlflowErrorCode.ConnectionFailed, e.ErrorCode);
        Assert.Null(e.StatusCode);
        Assert.Equal(3, connection.Attempts);
        Assert.Contains("connection refused", e.Message);
        Assert.Contains("3 attempts over 4.0 s", e.Message);
        Assert.Contains("MLFLOW_HTTP_REQUEST_MAX_RETRIES", e.Message);
        Assert.Equal(3, handler.Sent.Count);
    }

    [Fact]
    public async Task Requests_carry_the_pipeline_headers_and_credentials_from_the_options()
    {
        var exchange = WireExchange.Load("deployments", "get-endpoint-chat");
        var handler = new ReplayHandler(exchange);
        var options = Wire.Options(handler);
        options.Token = "t0ken";
        using var client = new MlflowDeploymentClient(Wire.BaseUri, options);

        await client.GetEndpointAsync("chat");

        var sent = Assert.Single(handler.Sent);
        Wire.AssertSent(exchange, sent);
        Assert.Equal("Bearer t0ken", sent.Headers["authorization"]);
        Assert.StartsWith("mlflow-dotnet-client/", sent.Headers["user-agent"]);
    }

    [Fact]
    public async Task Every_request_is_one_client_activity_with_the_http_tags()
    {
        var exchange = WireExchange.Load("deployments", "err-get-endpoint-unknown");
        var activities = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == MlflowTelemetry.ActivitySourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (activities) activities.Add(activity); },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        const string baseUri = "http://activity.deployments.test:5000"; // no other test uses it
        using var client = new MlflowDeploymentClient(baseUri, Wire.Options(new ReplayHandler(exchange)));

        await Assert.ThrowsAsync<DeploymentNotFoundException>(() => client.GetEndpointAsync("no-such-endpoint"));

        System.Diagnostics.Activity activity;
        lock (activities) activity = Assert.Single(activities, a => (string?)a.GetTagItem("url.full") == baseUri + "/api/2.0/endpoints/no-such-endpoint");
        Assert.Equal(404, activity.GetTagItem("http.response.status_code"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, activity.Status);
    }

    /// <summary>
    /// A fake clock that reports every timer armed on it (backoff waits and timeouts), whether armed when created or
    /// later through <see cref="ITimer.Change"/> (as a <c>CancellationTokenSource.CancelAfter</c> does).
    /// </summary>
    private sealed class ObservableTimeProvider : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ReportingTimer(base.CreateTimer(callback, state, dueTime, period), this);
            Report(dueTime);
            return timer;
        }

        private void Report(TimeSpan dueTime)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _timers.Writer.TryWrite(dueTime);
            }
        }

        private sealed class ReportingTimer(ITimer inner, ObservableTimeProvider owner) : ITimer
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

        /// <summary>The due time of the next timer created (any kind).</summary>
        public async Task<TimeSpan> NextTimerAsync() => await _timers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        /// <summary>The due time of the next timer that is not a request timeout (120 s / 300 s).</summary>
        public async Task<TimeSpan> NextBackoffAsync()
        {
            while (true)
            {
                var due = await NextTimerAsync();
                if (due != TimeSpan.FromSeconds(120) && due != TimeSpan.FromSeconds(300))
                {
                    return due;
                }
            }
        }
    }
}
