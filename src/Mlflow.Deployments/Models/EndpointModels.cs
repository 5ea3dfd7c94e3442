namespace Mlflow.Deployments.Models;

/// <summary>The model behind a Deployments-server endpoint.</summary>
public sealed record DeploymentsEndpointModel : DeploymentsModel
{
    /// <summary>Provider model name, e.g. <c>gpt-4o-mini</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Provider, e.g. <c>openai</c>.</summary>
    public string? Provider { get; init; }
}

/// <summary>A rate limit of an endpoint: <c>{calls, key, renewal_period}</c>.</summary>
public sealed record DeploymentsEndpointLimit : DeploymentsModel
{
    /// <summary>Allowed calls per period.</summary>
    public long? Calls { get; init; }

    /// <summary>Limit key (null: per client address).</summary>
    public string? Key { get; init; }

    /// <summary><c>minute</c>, <c>hour</c>, ...</summary>
    public string? RenewalPeriod { get; init; }
}

/// <summary>An endpoint of the MLflow Deployments server (spec schema <c>DeploymentsEndpoint</c>).</summary>
public sealed record DeploymentsEndpoint : DeploymentsModel
{
    /// <summary>Endpoint name.</summary>
    public string? Name { get; init; }

    /// <summary><c>llm/v1/chat</c>, <c>llm/v1/completions</c> or <c>llm/v1/embeddings</c>.</summary>
    public string? EndpointType { get; init; }

    /// <summary>The model served.</summary>
    public DeploymentsEndpointModel? Model { get; init; }

    /// <summary>Legacy invocation path (<c>/gateway/{name}/invocations</c>).</summary>
    public string? EndpointUrl { get; init; }

    /// <summary>Rate limit, null when none.</summary>
    public DeploymentsEndpointLimit? Limit { get; init; }
}

/// <summary>One page of <c>GET /api/2.0/endpoints/</c> (spec schema <c>DeploymentsListEndpointsResponse</c>).</summary>
public sealed record DeploymentsListEndpointsResponse : DeploymentsModel
{
    /// <summary>Endpoints of this page.</summary>
    public IReadOnlyList<DeploymentsEndpoint>? Endpoints { get; init; }

    /// <summary>Token of the next page; null on the last page.</summary>
    public string? NextPageToken { get; init; }
}
