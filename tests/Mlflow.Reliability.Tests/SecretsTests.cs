using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Mlflow.Reliability.Tests;

/// <summary>
/// Every credential kind (HTTP Basic, bearer token, a custom <c>Authorization</c> header, the credentials file):
/// no secret reaches a log line (Trace level and up), an exception's text or an activity tag, over successful calls,
/// MLflow errors, connection failures and redirects; and a redirect to another host does not carry the credentials.
/// </summary>
public sealed class SecretsTests
{
    private const string Password = "pw-SECRET-4711";
    private const string Token = "tok-SECRET-0815";
    private const string CustomHeader = "Custom SECRET-1337";
    private const string FilePassword = "file-SECRET-2024";

    /// <summary>Credential kinds: name, options, the secret strings that must not leak, and the header value the server must see.</summary>
    public static TheoryData<string> Kinds() => ["basic", "token", "custom-authorization", "credentials-file"];

    private static (MlflowClientOptions Options, string[] Secrets, string Expected) Credentials(string kind, Uri uri)
    {
        var none = MlflowEnvironment.FromDictionary(new Dictionary<string, string?>());
        return kind switch
        {
            "basic" => (new MlflowClientOptions { TrackingUri = uri.ToString(), Username = "alice", Password = Password, EnvironmentSource = none },
                [Password, Base64("alice:" + Password)], "Basic " + Base64("alice:" + Password)),
            "token" => (new MlflowClientOptions { TrackingUri = uri.ToString(), Token = Token, EnvironmentSource = none },
                [Token], "Bearer " + Token),
            "custom-authorization" => (new MlflowClientOptions { TrackingUri = uri.ToString(), DefaultHeaders = { ["Authorization"] = CustomHeader }, EnvironmentSource = none },
                ["SECRET-1337"], CustomHeader),
            "credentials-file" => (new MlflowClientOptions
            {
                TrackingUri = uri.ToString(),
                EnvironmentSource = MlflowEnvironment.FromDictionary(new Dictionary<string, string?>(), $"[mlflow]\nmlflow_tracking_username = bob\nmlflow_tracking_password = {FilePassword}\n"),
            }, [FilePassword, Base64("bob:" + FilePassword)], "Basic " + Base64("bob:" + FilePassword)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task No_secret_in_logs_exceptions_or_activity_tags_and_none_sent_to_a_redirected_host(string kind)
    {
        await using var other = new ScriptedServer("localhost", _ => (200, """{"experiment": {"experiment_id": "1", "name": "x", "lifecycle_stage": "active"}}"""));
        await using var tracking = new ScriptedServer("127.0.0.1", path => path.Contains("redirect-me", StringComparison.Ordinal)
            ? (307, "http://localhost:" + other.Port + "/api/2.0/mlflow/experiments/get?experiment_id=1")
            : path.Contains("fail-me", StringComparison.Ordinal)
                ? (401, """{"error_code": "UNAUTHENTICATED", "message": "bad credentials"}""")
                : (200, """{"experiment": {"experiment_id": "1", "name": "x", "lifecycle_stage": "active"}}"""));
        var (options, secrets, expectedHeader) = Credentials(kind, tracking.Uri);
        options.MaxRetries = 1;
        options.BackoffFactor = 0;
        options.BackoffJitter = 0;

        var logs = new CapturingLoggerFactory();
        var tags = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == MlflowTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                foreach (var tag in a.TagObjects) tags.Enqueue($"{tag.Key}={tag.Value}");
                tags.Enqueue("status=" + a.StatusDescription);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var texts = new List<string>();
        using (var client = new MlflowClient(options, logs))
        {
            // 1. A successful call: the tracking server gets the credentials.
            await client.Api.Api.V20.Mlflow.Experiments.Get.GetAsync(r => r.QueryParameters.ExperimentId = "1");
            Assert.Equal(expectedHeader, tracking.AuthorizationHeaders.Last());

            // 2. A redirect to another host: followed, without the credentials.
            await client.Api.Api.V20.Mlflow.Experiments.Get.GetAsync(r => r.QueryParameters.ExperimentId = "redirect-me");
            Assert.NotEmpty(other.AuthorizationHeaders);
            Assert.All(other.AuthorizationHeaders, h => Assert.Null(h));

            // 3. An MLflow error.
            var error = await Assert.ThrowsAsync<MlflowUnauthenticatedException>(() => client.Api.Api.V20.Mlflow.Experiments.Get.GetAsync(r => r.QueryParameters.ExperimentId = "fail-me"));
            texts.Add(error.ToString());
            texts.Add(error.ServerMessage);
        }

        // 4. A connection failure, with the credentials also in the URL's user info.
        var closed = ClosedPort();
        var (failing, _, _) = Credentials(kind, new Uri($"http://carol:{Password}@127.0.0.1:{closed}/"));
        failing.MaxRetries = 1;
        failing.BackoffFactor = 0;
        failing.BackoffJitter = 0;
        if (kind != "basic")
        {
            using var failingClient = new MlflowClient(failing, logs);
            var connection = await Assert.ThrowsAsync<MlflowConnectionException>(() => failingClient.Api.Api.V20.Mlflow.Experiments.Get.GetAsync(r => r.QueryParameters.ExperimentId = "1"));
            texts.Add(connection.ToString());
            texts.Add(connection.RequestUri?.ToString() ?? string.Empty);
        }

        Assert.NotEmpty(logs.Lines);
        Assert.NotEmpty(tags);
        foreach (var secret in secrets.Append(Password))
        {
            Assert.All(logs.Lines, line => Assert.DoesNotContain(secret, line, StringComparison.Ordinal));
            Assert.All(tags, tag => Assert.DoesNotContain(secret, tag, StringComparison.Ordinal));
            Assert.All(texts, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
    }

    private static string Base64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static int ClosedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }

    /// <summary>A loopback HTTP server answering from a script (status and body, or a Location for 3xx), recording Authorization headers.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task loop;

        public ScriptedServer(string host, Func<string, (int Status, string Body)> script)
        {
            Port = ClosedPort();
            listener.Prefixes.Add($"http://{host}:{Port}/");
            listener.Start();
            Uri = new Uri($"http://{host}:{Port}/");
            loop = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await listener.GetContextAsync();
                    }
                    catch (Exception)
                    {
                        return;
                    }

                    AuthorizationHeaders.Enqueue(context.Request.Headers["Authorization"]);
                    var (status, body) = script(context.Request.RawUrl ?? "/");
                    context.Response.StatusCode = status;
                    if (status is >= 300 and < 400)
                    {
                        context.Response.RedirectLocation = body;
                        body = string.Empty;
                    }

                    var bytes = Encoding.UTF8.GetBytes(body);
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength64 = bytes.Length;
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });
        }

        public int Port { get; }

        public Uri Uri { get; }

        public ConcurrentQueue<string?> AuthorizationHeaders { get; } = new();

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            try
            {
                await loop;
            }
            catch (Exception)
            {
                // stopped
            }
        }
    }

    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new StringBuilder($"{category} {logLevel}: {formatter(state, exception)}");
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values) line.Append(" | ").Append(key).Append('=').Append(value);
                }

                if (exception is not null) line.Append(" | ").Append(exception);
                owner.Lines.Enqueue(line.ToString());
            }
        }
    }
}
