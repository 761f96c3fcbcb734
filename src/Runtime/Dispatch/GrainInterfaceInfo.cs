using System.Collections.Frozen;
using System.Linq.Expressions;
using System.Reflection;

namespace Scheduling.Runtime.Dispatch;

/// <summary>One grain interface method: how to build its mailbox request and how to call it on the grain.</summary>
internal sealed class GrainMethod
{
    private GrainMethod(string name, bool isReadOnly, bool alwaysInterleave, Func<GrainMethod, object?[]?, (GrainRequest Request, object ReturnValue)> createCall, Func<object, object?, Task> invoker)
    {
        Name = name;
        IsReadOnly = isReadOnly;
        AlwaysInterleave = alwaysInterleave;
        CreateCall = createCall;
        Invoker = invoker;
    }

    public string Name { get; }

    public bool IsReadOnly { get; }

    public bool AlwaysInterleave { get; }

    /// <summary>Builds the request and the value the proxy returns to the caller (Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt;).</summary>
    public Func<GrainMethod, object?[]?, (GrainRequest Request, object ReturnValue)> CreateCall { get; }

    /// <summary>(grain, object?[] args) => the grain method's task.</summary>
    public Func<object, object?, Task> Invoker { get; }

    public static GrainMethod Create(Type grainInterface, MethodInfo method)
    {
        var name = $"{grainInterface.Name}.{method.Name}";
        if (method.IsGenericMethodDefinition)
        {
            throw new InvalidOperationException($"{name} is generic; grain interface methods cannot be.");
        }

        if (method.GetParameters().Any(p => p.ParameterType.IsByRef))
        {
            throw new InvalidOperationException($"{name} has a ref/out parameter; grain calls are messages and cannot have them.");
        }

        var returnType = method.ReturnType;
        Type resultType;
        bool isValueTask;
        if (returnType == typeof(Task))
        {
            (resultType, isValueTask) = (typeof(object), false);
        }
        else if (returnType == typeof(ValueTask))
        {
            (resultType, isValueTask) = (typeof(object), true);
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            (resultType, isValueTask) = (returnType.GetGenericArguments()[0], false);
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            (resultType, isValueTask) = (returnType.GetGenericArguments()[0], true);
        }
        else
        {
            throw new InvalidOperationException(
                $"{name} returns {returnType.Name}; grain interface methods must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }

        var isVoid = returnType == typeof(Task) || returnType == typeof(ValueTask);
        var factory = typeof(GrainMethod)
            .GetMethod(nameof(CreateCallFactory), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(resultType)
            .Invoke(null, [isVoid, isValueTask])!;

        return new GrainMethod(
            name,
            method.IsDefined(typeof(ReadOnlyAttribute), inherit: true),
            method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true),
            (Func<GrainMethod, object?[]?, (GrainRequest, object)>)factory,
            CompileInvoker(grainInterface, method));
    }

    private static Func<GrainMethod, object?[]?, (GrainRequest, object)> CreateCallFactory<TResult>(bool isVoid, bool isValueTask)
    {
        return (method, args) =>
        {
            var request = new GrainRequest<TResult>(method.Name, method.Invoker, args, method.IsReadOnly, method.AlwaysInterleave);
            object returnValue = (isVoid, isValueTask) switch
            {
                (true, false) => request.Task,
                (true, true) => new ValueTask(request.Task),
                (false, false) => request.Task,
                (false, true) => new ValueTask<TResult>(request.Task),
            };
            return (request, returnValue);
        };
    }

    // (object grain, object? args) => (Task)((IFoo)grain).Method((A0)((object?[])args)[0], ...), with ValueTask results turned into tasks.
    private static Func<object, object?, Task> CompileInvoker(Type grainInterface, MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var state = Expression.Parameter(typeof(object), "args");
        var args = Expression.Convert(state, typeof(object[]));
        var parameters = method.GetParameters()
            .Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        Expression call = Expression.Call(Expression.Convert(grain, grainInterface), method, parameters);
        if (method.ReturnType == typeof(ValueTask) || (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            call = Expression.Call(call, method.ReturnType.GetMethod(nameof(ValueTask.AsTask))!);
        }

        return Expression.Lambda<Func<object, object?, Task>>(Expression.Convert(call, typeof(Task)), grain, state).Compile();
    }
}

/// <summary>A grain interface, its grain class and its methods; built once per interface and cached.</summary>
internal sealed class GrainInterfaceInfo
{
    public GrainInterfaceInfo(Type grainInterface, GrainClassInfo grainClass)
    {
        InterfaceType = grainInterface;
        GrainClass = grainClass;
        var methods = new Dictionary<MethodInfo, GrainMethod>();
        foreach (var iface in grainInterface.GetInterfaces().Append(grainInterface))
        {
            foreach (var method in iface.GetMethods())
            {
                methods[method] = GrainMethod.Create(iface, method);
            }
        }

        Methods = methods.ToFrozenDictionary();
    }

    public Type InterfaceType { get; }

    public GrainClassInfo GrainClass { get; }

    public FrozenDictionary<MethodInfo, GrainMethod> Methods { get; }

    /// <summary>A proxy of this interface that <see cref="GrainProxy.Create{TGrainInterface}"/> copies (set on first use; any copy will do).</summary>
    public GrainProxy? ProxyPrototype { get; set; }
}
