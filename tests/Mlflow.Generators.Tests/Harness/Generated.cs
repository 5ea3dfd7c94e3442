using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Serialization.Json;

namespace Mlflow.Generators.Tests.Harness;

/// <summary>Drives a compiled, loaded client (from a small spec) through its public surface, by reflection.</summary>
internal sealed class Generated
{
    private readonly Assembly _assembly;

    public Generated(Assembly assembly, HttpClient? httpClient = null)
    {
        _assembly = assembly;
        Adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: httpClient) { BaseUrl = "http://mlflow.test/prefix" };
        Client = Activator.CreateInstance(Type("Mlflow.Client.MlflowApiClient"), Adapter)!;
    }

    public IRequestAdapter Adapter { get; }

    /// <summary>The root client instance (<c>MlflowApiClient</c>).</summary>
    public object Client { get; }

    public Type Type(string fullName) => _assembly.GetType(fullName, throwOnError: true)!;

    /// <summary>The catalog entry of an operation (a public <c>MlflowOperation</c> of the generated assembly).</summary>
    public dynamic Operation(string operationId)
    {
        var find = Type("Mlflow.Client.MlflowOperations").GetMethod("Find")!;
        return find.Invoke(null, new object[] { operationId }) ?? throw new InvalidOperationException("no operation " + operationId);
    }

    public RequestInformation Build(string operationId, IReadOnlyDictionary<string, string>? path = null, IEnumerable<KeyValuePair<string, string>>? query = null, object? body = null) =>
        (RequestInformation)Operation(operationId).BuildRequest(Adapter, path ?? new Dictionary<string, string>(), query ?? Array.Empty<KeyValuePair<string, string>>(), body);

    /// <summary>Reads JSON into a model through its generated factory and Kiota's real JSON parse node.</summary>
    public IParsable Parse(ParsableFactory<IParsable> factory, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return new JsonParseNode(doc.RootElement.Clone()).GetObjectValue(factory);
    }

    public static string Write(IParsable model)
    {
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, model);
        using var reader = new StreamReader(writer.GetSerializedContent(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static string? Content(RequestInformation request)
    {
        if (request.Content == null)
        {
            return null;
        }

        request.Content.Position = 0;
        using var reader = new StreamReader(request.Content, Encoding.UTF8, leaveOpen: true);
        return reader.ReadToEnd();
    }

    /// <summary>Navigates from the root client through properties, indexers (<c>[value]</c>) and With… methods (<c>Name(value)</c>).</summary>
    public object Navigate(params string[] steps)
    {
        var current = Client;
        foreach (var step in steps)
        {
            var type = current.GetType();
            if (step.StartsWith('['))
            {
                var indexer = type.GetProperty("Item")!;
                current = indexer.GetValue(current, new object[] { step[1..^1] })!;
            }
            else if (step.Contains('('))
            {
                var name = step[..step.IndexOf('(')];
                var arg = step[(step.IndexOf('(') + 1)..^1];
                current = type.GetMethod(name)!.Invoke(current, new object[] { arg })!;
            }
            else
            {
                current = type.GetProperty(step)?.GetValue(current) ?? throw new InvalidOperationException(type.Name + " has no member " + step);
            }
        }

        return current;
    }

    /// <summary>Calls <c>To{Method}RequestInformation</c> on a builder (body first when given; no configuration).</summary>
    public static RequestInformation ToRequest(object builder, string method, object? body = null)
    {
        var m = builder.GetType().GetMethod("To" + method + "RequestInformation")!;
        var args = m.GetParameters().Length == 2 ? new[] { body, null } : new object?[] { null };
        return (RequestInformation)m.Invoke(builder, args)!;
    }
}
