using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;

namespace Mlflow.Client.Tests.Infrastructure;

public static class Clients
{
    /// <summary>A client over an in-process handler, environment ignored, no jitter.</summary>
    public static MlflowClient Create(HttpMessageHandler handler, Action<MlflowClientOptions>? configure = null, TimeProvider? time = null, ILoggerFactory? logging = null, string uri = "http://mlflow.test:5000")
    {
        var options = new MlflowClientOptions { TrackingUri = uri, EnvironmentSource = MlflowEnvironment.Empty, BackoffJitter = 0 };
        configure?.Invoke(options);
        return new MlflowClient(options, logging, time, handler);
    }

    /// <summary>Sends a request through the client's Kiota request adapter (what generated code does).</summary>
    public static Task<Stream?> SendAsync(MlflowClient client, Method method, string path, string? jsonBody = null, IDictionary<string, object>? query = null, CancellationToken cancellationToken = default)
    {
        var template = "{+baseurl}" + path + (query is null ? string.Empty : "{?" + string.Join(",", query.Keys) + "}");
        var info = new RequestInformation(method, template, new Dictionary<string, object>());
        if (query is not null)
        {
            foreach (var (key, value) in query) info.QueryParameters[key] = value;
        }

        if (jsonBody is not null)
        {
            info.SetStreamContent(new MemoryStream(Encoding.UTF8.GetBytes(jsonBody)), "application/json");
        }

        return client.RequestAdapter.SendPrimitiveAsync<Stream>(info, cancellationToken: cancellationToken);
    }
}
