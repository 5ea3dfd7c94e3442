using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Mlflow.Client;

/// <summary>How the success answer of an operation is read.</summary>
public enum MlflowResponseKind
{
    /// <summary>No body is read (<c>SendNoContentAsync</c>).</summary>
    None,
    /// <summary>A JSON object read into <see cref="MlflowOperation.ResponseType"/>.</summary>
    Model,
    /// <summary>A JSON array of <see cref="MlflowOperation.ResponseType"/> objects.</summary>
    Collection,
    /// <summary>Any JSON, read as an <c>UntypedNode</c>.</summary>
    Untyped,
    /// <summary>Raw bytes, returned as a <see cref="Stream"/>.</summary>
    Stream,
}

/// <summary>Builds the request of one operation from path values, raw query pairs and a body.</summary>
/// <param name="adapter">The request adapter (its BaseUrl becomes the <c>baseurl</c> path parameter).</param>
/// <param name="pathValues">Path parameter values by their spec names (already decoded).</param>
/// <param name="query">Query pairs as sent on the wire (decoded), repeated keys for arrays.</param>
/// <param name="body">The request body: the body model, a Stream for raw uploads, or null.</param>
public delegate RequestInformation MlflowRequestFactory(
    IRequestAdapter adapter,
    IReadOnlyDictionary<string, string> pathValues,
    IEnumerable<KeyValuePair<string, string>> query,
    object? body);

/// <summary>
/// One operation of the spec and the generated request builder that serves it: the link from an operationId to
/// its builder, for facades, tests and tools.
/// </summary>
public sealed class MlflowOperation
{
    /// <summary>Creates a catalog entry (called by the generated catalog).</summary>
    public MlflowOperation(
        string operationId,
        string httpMethod,
        string pathTemplate,
        string? tag,
        Type builderType,
        IReadOnlyList<string> pathParameters,
        IReadOnlyList<string> queryParameters,
        string? requestContentType,
        Type? requestBodyType,
        ParsableFactory<IParsable>? requestBodyFactory,
        MlflowResponseKind responseKind,
        Type? responseType,
        ParsableFactory<IParsable>? responseFactory,
        IReadOnlyDictionary<string, ParsableFactory<IParsable>> errorMapping,
        MlflowRequestFactory buildRequest,
        Func<IParseNode, object?>? readResponse)
    {
        _readResponse = readResponse;
        OperationId = operationId;
        HttpMethod = httpMethod;
        PathTemplate = pathTemplate;
        Tag = tag;
        BuilderType = builderType;
        PathParameters = pathParameters;
        QueryParameters = queryParameters;
        RequestContentType = requestContentType;
        RequestBodyType = requestBodyType;
        RequestBodyFactory = requestBodyFactory;
        ResponseKind = responseKind;
        ResponseType = responseType;
        ResponseFactory = responseFactory;
        ErrorMapping = errorMapping;
        _buildRequest = buildRequest;
    }

    private readonly MlflowRequestFactory _buildRequest;
    private readonly Func<IParseNode, object?>? _readResponse;

    /// <summary>The spec's operationId (the proto RPC name for proto routes).</summary>
    public string OperationId { get; }

    /// <summary>GET, POST, PUT, PATCH or DELETE.</summary>
    public string HttpMethod { get; }

    /// <summary>
    /// The first MLflow release that serves this operation (the spec's <c>x-mlflow-since</c>), or null when the
    /// spec does not know it.
    /// </summary>
    public string? Since { get; init; }

    /// <summary>The spec path, with <c>{name}</c> path parameters.</summary>
    public string PathTemplate { get; }

    /// <summary>The spec tag (catalog area).</summary>
    public string? Tag { get; }

    /// <summary>The generated request builder class that serves the operation.</summary>
    public Type BuilderType { get; }

    /// <summary>Spec names of the path parameters, in path order.</summary>
    public IReadOnlyList<string> PathParameters { get; }

    /// <summary>Wire names of the query parameters.</summary>
    public IReadOnlyList<string> QueryParameters { get; }

    /// <summary>The request content type, or null without a body.</summary>
    public string? RequestContentType { get; }

    /// <summary>The request body model (or <see cref="Stream"/> for raw uploads), or null.</summary>
    public Type? RequestBodyType { get; }

    /// <summary>Creates the request body model from a parse node (null for raw, untyped or no bodies).</summary>
    public ParsableFactory<IParsable>? RequestBodyFactory { get; }

    /// <summary>How the success answer is read.</summary>
    public MlflowResponseKind ResponseKind { get; }

    /// <summary>The success model (element type for collections), or null.</summary>
    public Type? ResponseType { get; }

    /// <summary>
    /// Creates the success model from a parse node; null for streams, no content and untyped answers (read those with
    /// <c>GetObjectValue&lt;UntypedNode&gt;(UntypedNode.CreateFromDiscriminatorValue)</c>).
    /// </summary>
    public ParsableFactory<IParsable>? ResponseFactory { get; }

    /// <summary>The error models by Kiota status key ("404", "4XX", "XXX").</summary>
    public IReadOnlyDictionary<string, ParsableFactory<IParsable>> ErrorMapping { get; }

    /// <summary>Builds the request through the generated request builder.</summary>
    public RequestInformation BuildRequest(
        IRequestAdapter adapter,
        IReadOnlyDictionary<string, string> pathValues,
        IEnumerable<KeyValuePair<string, string>> query,
        object? body) => _buildRequest(adapter, pathValues, query, body);

    /// <summary>
    /// Reads a success body the way the generated <c>…Async</c> method does: the model, a <c>List</c> of models,
    /// or an <c>UntypedNode</c>; null for streams and empty answers.
    /// </summary>
    public object? ReadResponse(IParseNode node) => _readResponse?.Invoke(node);

    /// <inheritdoc />
    public override string ToString() => HttpMethod + " " + PathTemplate + " (" + OperationId + ")";
}
