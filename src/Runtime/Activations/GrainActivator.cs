using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.Runtime.Dispatch;

namespace Scheduling.Runtime.Activations;

/// <summary>Constructs a grain: [PersistentState] parameters get a state bound to the activation, the rest come from DI.</summary>
internal static class GrainActivator
{
    private static readonly MethodInfo s_createState = typeof(GrainActivator).GetMethod(nameof(CreateState), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static object Create(ActivationData activation)
    {
        // The parameters are read (attributes, generic state types) once per grain class, not per activation.
        var sources = activation.GrainClass.ConstructorArguments ??= Plan(activation.GrainClass);
        var arguments = new object?[sources.Length];
        for (var i = 0; i < sources.Length; i++)
        {
            arguments[i] = sources[i](activation);
        }

        try
        {
            return activation.GrainClass.Constructor.Invoke(arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    /// <summary>Where each constructor argument comes from: a state bound to the activation, the grain factory, or DI.</summary>
    private static Func<ActivationData, object?>[] Plan(GrainClassInfo grainClass)
    {
        var parameters = grainClass.Constructor.GetParameters();
        var sources = new Func<ActivationData, object?>[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var type = parameter.ParameterType;
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } stateAttribute)
            {
                if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
                {
                    throw new InvalidOperationException(
                        $"{grainClass.ClassType.Name}: [PersistentState] parameter '{parameter.Name}' must be IPersistentState<T>.");
                }

                var create = s_createState.MakeGenericMethod(type.GetGenericArguments()[0])
                    .CreateDelegate<Func<ActivationData, string, object>>();
                var stateName = stateAttribute.StateName;
                sources[i] = activation => create(activation, stateName);
            }
            else if (type == typeof(IGrainFactory))
            {
                sources[i] = static activation => activation.Runtime;
            }
            else
            {
                sources[i] = activation => activation.Runtime.Services.GetRequiredService(type);
            }
        }

        return sources;
    }

    private static PersistentState<TState> CreateState<TState>(ActivationData activation, string stateName)
    {
        var state = new PersistentState<TState>(activation, stateName);
        activation.AddState(state);
        return state;
    }
}
