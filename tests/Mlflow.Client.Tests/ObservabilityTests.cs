using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

public class ObservabilityTests
{
    [Fact]
    public async Task Debug_log_redacts_authorization_and_secrets()
    {
        const string password = "hunter2-very-secret";
        var logs = new CapturingLoggerProvider();
        var handler = new ScriptedHandler().Respond(HttpStatusCode.ServiceUnavailable, "").Respond(HttpStatusCode.OK);
        using (var client = Clients.Create(handler, o =>
        {
            o.Username = "alice";
            o.Password = password;
            o.DefaultHeaders["X-Api-Token"] = "header-token-secret";
            o.MaxRetries = 1;
        }, logging: logs, uri: "http://bob:uri-password-secret@mlflow.test:5000/prefix"))
        {
            await Clients.SendAsync(client, Method.POST, "/api/2.0/mlflow/users/create", $$"""{"username":"carol","password":"{{password}}"}""");
        }

        var debug = logs.Entries.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message).ToList();
        Assert.Contains(debug, m => m.Contains("HTTP POST http://mlflow.test:5000/prefix/api/2.0/mlflow/users/create (attempt 1)"));
        Assert.Contains(debug, m => m.Contains("(attempt 2)"));
        Assert.Contains(debug, m => m.Contains("answered 503"));
        Assert.Contains(debug, m => m.Contains("answered 200"));
        Assert.Contains(debug, m => m.Contains("Retrying HTTP POST"));
        Assert.Contains(debug, m => m.Contains("Authorization: Basic [redacted]"));
        Assert.Contains(debug, m => m.Contains("X-Api-Token: [redacted]"));

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + password));
        foreach (var entry in logs.Entries)
        {
            Assert.DoesNotContain(password, entry.Message);
            Assert.DoesNotContain(basic, entry.Message);
            Assert.DoesNotContain("header-token-secret", entry.Message);
            Assert.DoesNotContain("uri-password-secret", entry.Message);
        }
    }

    [Fact]
    public async Task Debug_log_redacts_bearer_tokens()
    {
        var logs = new CapturingLoggerProvider();
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using (var client = Clients.Create(handler, o => o.Token = "tok-abcdef-secret", logging: logs))
        {
            await Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/experiments/get");
        }

        Assert.Contains(logs.Entries, e => e.Message.Contains("Authorization: Bearer [redacted]"));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("tok-abcdef-secret"));
    }

    [Fact]
    public async Task One_activity_per_operation_with_http_client_conventions()
    {
        var host = "activity-" + Guid.NewGuid().ToString("N")[..8] + ".test";
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MlflowTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("server.address") as string == host) lock (stopped) stopped.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var handler = new ScriptedHandler()
            .Respond(HttpStatusCode.BadGateway, "")
            .Respond(HttpStatusCode.OK)
            .Respond(HttpStatusCode.NotFound, """{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no run"}""");
        using (var client = Clients.Create(handler, o => o.MaxRetries = 1, uri: $"https://{host}:8443/mlflow"))
        {
            await Clients.SendAsync(client, Method.POST, "/api/2.0/mlflow/runs/create", "{}");
            await Assert.ThrowsAsync<MlflowNotFoundException>(() => Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/runs/get", query: new Dictionary<string, object> { ["run_id"] = "r1" }));
        }

        Assert.Equal(2, stopped.Count);
        var ok = stopped[0];
        Assert.Equal(ActivityKind.Client, ok.Kind);
        Assert.Equal("POST", ok.DisplayName);
        Assert.Equal("POST", ok.GetTagItem("http.request.method"));
        Assert.Equal($"https://{host}:8443/mlflow/api/2.0/mlflow/runs/create", ok.GetTagItem("url.full"));
        Assert.Equal(host, ok.GetTagItem("server.address"));
        Assert.Equal(8443, ok.GetTagItem("server.port"));
        Assert.Equal(200, ok.GetTagItem("http.response.status_code"));
        Assert.Equal(1, ok.GetTagItem("http.request.resend_count"));
        Assert.Null(ok.GetTagItem("error.type"));
        Assert.Equal(MlflowTelemetry.Version, ok.Source.Version);

        var failed = stopped[1];
        Assert.Equal("GET", failed.GetTagItem("http.request.method"));
        Assert.Equal(404, failed.GetTagItem("http.response.status_code"));
        Assert.Equal("404", failed.GetTagItem("error.type"));
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", failed.GetTagItem("mlflow.error_code"));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Null(failed.GetTagItem("http.request.resend_count"));
    }
}
