namespace Mlflow.Deployments;

/// <summary>
/// The endpoint members of <see cref="MlflowGatewayDeploymentClient"/>, mapped onto the generated client's
/// <c>/api/3.0/mlflow/gateway/endpoints/*</c> builders. Endpoints are addressed by name, as in MLflow's deployment
/// contract; update and delete look the id up first.
/// </summary>
internal sealed class GatewayEndpoints(MlflowClient tracking, string targetUri, TimeSpan timeout)
{
    private Mlflow.Client.Api.V30.Mlflow.Gateway.Endpoints.EndpointsRequestBuilder Endpoints => tracking.Api.Api.V30.Mlflow.Gateway.Endpoints;

    public async Task<EndpointInfo> CreateAsync(string name, IReadOnlyDictionary<string, object?>? config, CancellationToken cancellationToken)
    {
        var body = ConfigObject(config);
        body["name"] = name;
        var request = KiotaJson.Parse(body.ToJsonString(), CreateGatewayEndpoint.CreateFromDiscriminatorValue);
        var response = await Call(() => Endpoints.Create.PostAsync(request, cancellationToken: cancellationToken), "create", name).ConfigureAwait(false);
        return ToInfo(response?.Endpoint, name);
    }

    public async Task<EndpointInfo> UpdateAsync(string name, IReadOnlyDictionary<string, object?>? config, CancellationToken cancellationToken)
    {
        var id = (await GetModelAsync(name, cancellationToken).ConfigureAwait(false)).EndpointId;
        var body = ConfigObject(config);
        body["endpoint_id"] = id;
        var request = KiotaJson.Parse(body.ToJsonString(), UpdateGatewayEndpoint.CreateFromDiscriminatorValue);
        var response = await Call(() => Endpoints.Update.PostAsync(request, cancellationToken: cancellationToken), "update", name).ConfigureAwait(false);
        return ToInfo(response?.Endpoint, name);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        GatewayEndpoint endpoint;
        try
        {
            endpoint = await GetModelAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentNotFoundException)
        {
            return; // idempotent: nothing to delete
        }

        await Call(() => Endpoints.Delete.DeleteAsync(new DeleteGatewayEndpoint { EndpointId = endpoint.EndpointId }, cancellationToken: cancellationToken), "delete", name).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<EndpointInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var response = await Call(() => Endpoints.List.GetAsync(cancellationToken: cancellationToken), "list", null).ConfigureAwait(false);
        return (response?.Endpoints ?? []).Select(e => ToInfo(e, e.Name ?? "")).ToArray();
    }

    public async Task<EndpointInfo> GetAsync(string name, CancellationToken cancellationToken) =>
        ToInfo(await GetModelAsync(name, cancellationToken).ConfigureAwait(false), name);

    private async Task<GatewayEndpoint> GetModelAsync(string name, CancellationToken cancellationToken)
    {
        var response = await Call(() => Endpoints.Get.GetAsync(r => r.QueryParameters.Name = name, cancellationToken), "get", name).ConfigureAwait(false);
        return response?.Endpoint ?? throw new DeploymentNotFoundException($"Gateway endpoint '{name}' was not returned by {targetUri}.");
    }

    /// <summary>Runs a generated-client call and translates <see cref="MlflowException"/> into the deployments errors.</summary>
    private async Task<T> Call<T>(Func<Task<T>> call, string operation, string? name)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (MlflowException ex) when (ex.StatusCode is not null)
        {
            var details = new DeploymentsErrorDetails(ex.StatusCode.Value, ex.ServerMessage, ex.RawErrorCode, [], ex.ResponseBody ?? "", ex.ResponseContentType)
            {
                Method = ex.Method,
                RequestUri = ex.RequestUri,
            };
            var message = $"Gateway endpoint {operation}" + (name is null ? "" : $" '{name}'") + $" failed on {targetUri}: {(int)ex.StatusCode.Value} {ex.RawErrorCode}: {ex.ServerMessage}";
            throw ex.IsNotFound ? new DeploymentNotFoundException(message, details, ex) : new DeploymentsException(message, details, ex);
        }
        catch (MlflowTransportException ex)
        {
            // No answer: a timeout (DeploymentsTimeoutException) or a connection failure (its explanation kept).
            throw Http.DeploymentsErrors.Translate(ex, ex.TransportMethod ?? "?", ex.TransportUri ?? new Uri(targetUri, UriKind.RelativeOrAbsolute), timeout);
        }
        catch (MlflowException ex) when (ex is not DeploymentsException)
        {
            throw new DeploymentsException($"Gateway endpoint {operation} failed on {targetUri}: {ex.Message}", ex.ErrorCode, ex);
        }
    }

    private async Task Call(Func<Task> call, string operation, string? name) =>
        await Call(async () => { await call().ConfigureAwait(false); return 0; }, operation, name).ConfigureAwait(false);

    /// <summary>The endpoint as JSON (everything the generated model read, unknown fields included) with its name.</summary>
    private static EndpointInfo ToInfo(GatewayEndpoint? endpoint, string name)
    {
        if (endpoint is null)
        {
            throw new DeploymentsException($"The server answered without the endpoint '{name}'.");
        }

        var json = KiotaJson.ToJsonObject(endpoint);
        return new EndpointInfo(endpoint.Name ?? name, json);
    }

    /// <summary>
    /// The config dictionary as a JSON object. Values: JSON nodes and elements, generated models (<see cref="IParsable"/>),
    /// strings, numbers, booleans, enums (by name), dictionaries and lists of those, written without reflection; any
    /// other object is serialized by System.Text.Json reflection (snake_case) where the app allows it, and is an
    /// <see cref="ArgumentException"/> in trimmed and AOT apps, before anything is sent.
    /// </summary>
    private static JsonObject ConfigObject(IReadOnlyDictionary<string, object?>? config)
    {
        var body = new JsonObject();
        foreach (var (key, value) in config ?? new Dictionary<string, object?>())
        {
            body[key] = ToNode(value, key);
        }

        return body;
    }

    internal static JsonNode? ToNode(object? value, string key) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        IParsable model => KiotaJson.ToJsonObject(model),
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        int or long or short or byte or sbyte or ushort or uint => JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        ulong big => JsonValue.Create(big),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        decimal m => JsonValue.Create(m),
        Enum e => JsonValue.Create(e.ToString()),
        IEnumerable<KeyValuePair<string, object?>> map => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, ToNode(p.Value, key + "." + p.Key)))),
        System.Collections.IDictionary map => new JsonObject(map.Keys.Cast<object>().Select(k => KeyValuePair.Create(Convert.ToString(k, System.Globalization.CultureInfo.InvariantCulture) ?? "", ToNode(map[k], key)))),
        System.Collections.IEnumerable items => new JsonArray(items.Cast<object?>().Select(item => ToNode(item, key)).ToArray()),
        _ when JsonSerializer.IsReflectionEnabledByDefault => SerializeByReflection(value),
        _ => throw new ArgumentException(
            $"Config value '{key}' is a {value.GetType().Name}, which cannot be written without reflection in this app. Pass a JsonNode, a " +
            "generated model, a string, number, boolean, dictionary or list.", nameof(value)),
    };

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only reached when JsonSerializer.IsReflectionEnabledByDefault, which trimmed and AOT publishes turn off.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only reached when JsonSerializer.IsReflectionEnabledByDefault, which trimmed and AOT publishes turn off.")]
    private static JsonNode? SerializeByReflection(object value) =>
        JsonSerializer.SerializeToNode(value, value.GetType(), Models.DeploymentsJson.Options);
}
