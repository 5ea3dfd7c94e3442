using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using Mlflow.Deployments.Http;

namespace Mlflow.Deployments.Tests.Infrastructure;

/// <summary>Assertions against the recordings.</summary>
public static class Wire
{
    public const string BaseUri = "http://127.0.0.1:5000";

    /// <summary>Options whose pipeline ends in the replay handler; no environment variable applies, no jitter.</summary>
    public static DeploymentClientOptions Options(ReplayHandler handler, int maxRetries = 0, TimeProvider? time = null) => new()
    {
        InnerHandler = handler,
        EnvironmentSource = MlflowEnvironment.Empty,
        MaxRetries = maxRetries,
        BackoffJitter = 0,
        TimeProvider = time ?? TimeProvider.System,
    };

    public static MlflowDeploymentClient DeploymentsClient(ReplayHandler handler, int maxRetries = 0, TimeProvider? time = null) =>
        new(BaseUri, Options(handler, maxRetries, time));

    public static MlflowGatewayDeploymentClient GatewayClient(ReplayHandler handler, int maxRetries = 0) =>
        new("mlflow-gateway+" + BaseUri, Options(handler, maxRetries));

    /// <summary>The client sent what the recording shows: method, path, query, content type, accept, body.</summary>
    public static void AssertSent(WireExchange expected, SentRequest sent, bool compareAccept = true)
    {
        Assert.Equal(expected.Method, sent.Method);
        Assert.Equal(expected.Path, sent.Uri.AbsolutePath);
        Assert.Equal(expected.RawQuery, sent.Uri.Query.TrimStart('?'));
        if (expected.RequestHeaders.TryGetValue("content-type", out var contentType))
        {
            Assert.Equal(contentType, sent.Headers.GetValueOrDefault("content-type"));
        }

        if (compareAccept && expected.RequestHeaders.TryGetValue("accept", out var accept))
        {
            Assert.Equal(accept, sent.Headers.GetValueOrDefault("accept"));
        }

        if (expected.RequestBody is not null)
        {
            Assert.NotNull(sent.Body);
            var actual = JsonNode.Parse(sent.Body!);
            Assert.True(JsonNode.DeepEquals(expected.RequestBody, actual), $"request body\nexpected: {expected.RequestRawBody}\nactual:   {sent.Body}");
        }
        else if (expected.RequestRawBody is not null)
        {
            Assert.Equal(expected.RequestRawBody, sent.Body);
        }
        else
        {
            Assert.True(string.IsNullOrEmpty(sent.Body), $"unexpected request body {sent.Body}");
        }
    }

    /// <summary>
    /// The typed (generated) model lost nothing: written back with Kiota's JSON writer, it equals the recorded JSON
    /// (fields sent as explicit null and fields absent are the same thing to the model, since the Deployments server
    /// writes every unset field as null and Kiota's reader skips nulls).
    /// </summary>
    public static void AssertNothingLost(string recordedJson, IParsable typed)
    {
        var written = KiotaJson.ToJsonObject(typed);
        var expected = WithoutNulls(JsonNode.Parse(recordedJson));
        Assert.True(JsonNode.DeepEquals(expected, WithoutNulls(written)), $"typed {typed.GetType().Name} lost data\nrecorded: {expected?.ToJsonString()}\nwritten:  {written.ToJsonString()}");
    }

    public static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, WithoutNulls(p.Value)))),
        JsonArray a => new JsonArray(a.Select(WithoutNulls).ToArray()),
        _ => node?.DeepClone(),
    };

    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected?.ToJsonString()}\nactual   {actual?.ToJsonString()}");
}
