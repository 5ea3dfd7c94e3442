using System.Net;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

/// <summary>
/// <see cref="MlflowRequestOption"/>: one request's own attempt timeout, and no retry after a timed-out attempt (what
/// the deployments client needs for MLflow's predict and request timeouts), on the fake clock.
/// </summary>
public class RequestOptionTests
{
    private static HttpClient Http(ScriptedHandler handler, SteppedTimeProvider time, int maxRetries, TimeSpan timeout)
    {
        var settings = new MlflowClientOptions
        {
            TrackingUri = "http://mlflow.test:5000",
            EnvironmentSource = MlflowEnvironment.Empty,
            BackoffJitter = 0,
            MaxRetries = maxRetries,
            Timeout = timeout,
        }.Resolve();
        return new HttpClient(MlflowHttpPipeline.Create(settings, timeProvider: time, innerHandler: handler));
    }

    private static HttpRequestMessage Get(MlflowRequestOption? option)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "http://mlflow.test:5000/health");
        option?.ApplyTo(request);
        return request;
    }

    [Fact]
    public async Task The_request_timeout_replaces_the_clients_and_is_not_retried_when_asked()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).Hang().Hang();
        using var http = Http(handler, time, maxRetries: 3, timeout: TimeSpan.FromSeconds(120));

        var ex = await Assert.ThrowsAsync<MlflowTimeoutException>(() =>
            time.RunAsync(() => http.SendAsync(Get(new MlflowRequestOption { AttemptTimeout = TimeSpan.FromSeconds(30), RetryOnTimeout = false }))));

        Assert.Single(handler.Attempts);
        Assert.Contains("timed out after 30 s", ex.Message);
        Assert.Contains("MLFLOW_HTTP_REQUEST_TIMEOUT", ex.Message);
    }

    [Fact]
    public async Task Without_the_option_timeouts_are_retried_with_the_clients_timeout()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).Hang().Respond(HttpStatusCode.OK);
        using var http = Http(handler, time, maxRetries: 1, timeout: TimeSpan.FromSeconds(10));

        using var response = await time.RunAsync(() => http.SendAsync(Get(null)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts.Count);
        Assert.True(handler.Attempts[1].Time - handler.Attempts[0].Time >= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_infinite_request_timeout_turns_the_clients_off_for_that_request()
    {
        var time = new SteppedTimeProvider();
        var handler = new ScriptedHandler(time).Respond(HttpStatusCode.OK);
        using var http = Http(handler, time, maxRetries: 0, timeout: TimeSpan.FromSeconds(10));

        using var response = await time.RunAsync(() => http.SendAsync(Get(new MlflowRequestOption { AttemptTimeout = Timeout.InfiniteTimeSpan })));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(MlflowRequestOption.Of(new HttpRequestMessage()));
    }
}
