using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Mvc;
using Mlflow.Testing.Generated;

namespace Mlflow.Testing.Server;

/// <summary>
/// The implementation of the NSwag-generated <see cref="IMlflowController"/> (one method per spec operation): a
/// proxy that forwards a call to the <see cref="MlflowOperations"/> method of the same name and parameter types, and
/// answers 501 <c>NOT_IMPLEMENTED</c> for every operation that has none. A handler may return the interface's
/// type, or just the response DTO (or an <see cref="IActionResult"/>), synchronously or as a task.
/// </summary>
internal class OperationProxy : DispatchProxy
{
    private OperationTable table = null!;

    internal static IMlflowController Create(MlflowOperations operations)
    {
        var proxy = Create<IMlflowController, OperationProxy>();
        ((OperationProxy)(object)proxy).table = OperationTable.For(operations);
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (!table.Handlers.TryGetValue(targetMethod, out var handler))
        {
            throw MlflowError.NotImplemented($"The embedded MLflow test server does not implement {OperationTable.OperationId(targetMethod)}.");
        }
        object? result;
        try
        {
            result = handler.Invoke(table.Target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        return Adapt(result, targetMethod.ReturnType);
    }

    private static object Adapt(object? result, Type returnType)
    {
        if (result is not null && returnType.IsInstanceOfType(result)) return result;
        // Task<X> from a handler: unwrap synchronously only when it already completed; else continue asynchronously.
        if (result is Task task)
        {
            return AdaptAsync(task, returnType);
        }
        return FromResult(result, returnType);
    }

    private static object AdaptAsync(Task task, Type returnType)
    {
        var inner = returnType.GetGenericArguments()[0];
        var method = typeof(OperationProxy).GetMethod(nameof(ContinueAs), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(inner);
        return method.Invoke(null, [task])!;
    }

    private static async Task<T> ContinueAs<T>(Task task)
    {
        await task.ConfigureAwait(false);
        var value = task.GetType().GetProperty("Result")?.GetValue(task);
        return (T)Wrap(value, typeof(T));
    }

    private static object FromResult(object? result, Type returnType)
    {
        var inner = returnType.GetGenericArguments()[0];
        var value = Wrap(result, inner);
        return typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(inner).Invoke(null, [value])!;
    }

    /// <summary>Turns a DTO (or action result) into the <c>ActionResult&lt;T&gt;</c> / <see cref="IActionResult"/> the controller returns.</summary>
    private static object Wrap(object? value, Type target)
    {
        if (value is not null && target.IsInstanceOfType(value)) return value;
        if (target == typeof(IActionResult)) return value is null ? new OkResult() : new OkObjectResult(value);
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(ActionResult<>))
        {
            if (value is ActionResult actionResult) return Activator.CreateInstance(target, actionResult)!;
            var dto = target.GetGenericArguments()[0];
            return Activator.CreateInstance(target, [value ?? Activator.CreateInstance(dto)])!;
        }
        throw new InvalidOperationException($"Cannot adapt {value?.GetType().Name ?? "null"} to {target.Name}.");
    }
}

/// <summary>Which <see cref="IMlflowController"/> methods <see cref="MlflowOperations"/> implements.</summary>
internal sealed class OperationTable
{
    private static readonly Lazy<Dictionary<MethodInfo, MethodInfo>> Map = new(Build);

    private OperationTable(MlflowOperations target) => Target = target;

    public MlflowOperations Target { get; }

    public IReadOnlyDictionary<MethodInfo, MethodInfo> Handlers => Map.Value;

    public static OperationTable For(MlflowOperations operations) => new(operations);

    /// <summary>The spec operationIds with a handler, sorted.</summary>
    public static IReadOnlyList<string> ImplementedOperationIds => Map.Value.Keys.Select(OperationId).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every operationId of the generated interface (the spec's operations), sorted.</summary>
    public static IReadOnlyList<string> AllOperationIds => typeof(IMlflowController).GetMethods().Select(OperationId).Order(StringComparer.Ordinal).ToList();

    /// <summary><c>CreateExperimentAsync</c> to <c>createExperiment</c> (NSwag's method names come from the operationIds).</summary>
    public static string OperationId(MethodInfo method)
    {
        var name = method.Name.EndsWith("Async", StringComparison.Ordinal) ? method.Name[..^5] : method.Name;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static Dictionary<MethodInfo, MethodInfo> Build()
    {
        var handlers = typeof(MlflowOperations).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName)
            .ToList();
        var map = new Dictionary<MethodInfo, MethodInfo>();
        var operations = typeof(IMlflowController).GetMethods();
        foreach (var handler in handlers)
        {
            var parameters = handler.GetParameters().Select(p => p.ParameterType).ToArray();
            var operation = operations.SingleOrDefault(o => o.Name == handler.Name && o.GetParameters().Select(p => p.ParameterType).SequenceEqual(parameters))
                ?? throw new InvalidOperationException($"MlflowOperations.{handler.Name} matches no operation of the spec (name and parameter types must match IMlflowController).");
            map.Add(operation, handler);
        }
        return map;
    }
}
