#!/usr/bin/env python3
"""Speed baseline for bench/rl_offpolicy.sh: SAC, TD3 and DDPG on Pendulum-v1
and DQN on CartPole-v1 in plain PyTorch, written the way a Python team would
(Python environment stepping, a NumPy replay buffer, torch for the networks
and optimisers), with the same algorithms and settings as trainyard's
(src/rl/off_policy.cc, src/rl/dqn.cc; Stable-Baselines3's formulation):
actions in [-1, 1] through tanh, rescaled to the Box; uniform actions before
learning_starts; twin critics and target policy smoothing for TD3; a
tanh-squashed Gaussian actor with the entropy coefficient tuned towards
-dim(A) for SAC; DQN with a Huber loss, gradient clipping, an epsilon
schedule and a linearly decaying learning rate (docs/benchmarks.md's
CartPole row).

Gymnasium is not packaged for Debian, so Pendulum-v1 and CartPole-v1 are
re-implemented below with Gymnasium's equations (200- and 500-step limits).

Usage: python3 bench/rl_offpolicy_baseline.py --algo sac|td3|ddpg|dqn
         [--steps N] [--seed S] [--threads T] [--hidden 64,64] [--batch 64]
         [--learning-starts N]
Prints one line:
  algo=A steps=N seconds=S sps=X cpu_seconds=C cpu_sps=Y updates=U mean_return=R
(seconds and sps cover the training loop, as trainyard's steps/s does;
cpu_seconds and cpu_sps are the process's CPU time over the same loop, which a
loaded machine stretches far less than the wall clock).
"""
import argparse
import math
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import rl_ppo_baseline  # beside this file


class Pendulum:
    max_speed, max_torque, dt, g, m, l = 8.0, 2.0, 0.05, 10.0, 1.0, 1.0
    max_steps = 200
    obs_dim, act_dim, low, high = 3, 1, -2.0, 2.0

    def __init__(self, rng):
        self.rng = rng
        self.reset()

    def obs(self):
        th, thdot = self.state
        return np.array([math.cos(th), math.sin(th), thdot], dtype=np.float32)

    def reset(self):
        self.state = [self.rng.uniform(-math.pi, math.pi), self.rng.uniform(-1.0, 1.0)]
        self.t = 0
        return self.obs()

    def step(self, u):
        th, thdot = self.state
        u = min(max(float(u[0]), -self.max_torque), self.max_torque)
        norm = ((th + math.pi) % (2 * math.pi)) - math.pi
        cost = norm ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2
        thdot = thdot + (3 * self.g / (2 * self.l) * math.sin(th) +
                         3.0 / (self.m * self.l ** 2) * u) * self.dt
        thdot = min(max(thdot, -self.max_speed), self.max_speed)
        th = th + thdot * self.dt
        self.state = [th, thdot]
        self.t += 1
        return self.obs(), -cost, False, self.t >= self.max_steps


class CartPole(rl_ppo_baseline.CartPole):
    """Gymnasium's CartPole-v1, shared with the PPO baseline."""
    obs_dim, n_actions = 4, 2


def mlp(inp, hidden, out):
    layers, prev = [], inp
    for h in hidden:
        layers += [nn.Linear(prev, h), nn.ReLU()]
        prev = h
    layers.append(nn.Linear(prev, out))
    return nn.Sequential(*layers)


class Replay:
    def __init__(self, size, obs_dim, act_dim):
        self.obs = np.zeros((size, obs_dim), np.float32)
        self.next = np.zeros((size, obs_dim), np.float32)
        self.act = np.zeros((size, act_dim), np.float32)
        self.rew = np.zeros(size, np.float32)
        self.term = np.zeros(size, np.float32)
        self.size, self.n, self.i = size, 0, 0

    def add(self, o, a, r, o2, term):
        self.obs[self.i], self.act[self.i], self.rew[self.i] = o, a, r
        self.next[self.i], self.term[self.i] = o2, term
        self.i = (self.i + 1) % self.size
        self.n = min(self.n + 1, self.size)

    def sample(self, batch):
        idx = np.random.randint(0, self.n, size=batch)
        return (torch.as_tensor(self.obs[idx]), torch.as_tensor(self.act[idx]),
                torch.as_tensor(self.rew[idx]), torch.as_tensor(self.next[idx]),
                torch.as_tensor(self.term[idx]))


def polyak(src, dst, tau):
    with torch.no_grad():
        for p, q in zip(src.parameters(), dst.parameters()):
            q.mul_(1 - tau).add_(p, alpha=tau)


def copy_net(net):
    import copy
    c = copy.deepcopy(net)
    for p in c.parameters():
        p.requires_grad_(False)
    return c


class ActorCriticAgent:
    """DDPG / TD3 / SAC as in trainyard's off_policy.cc."""

    def __init__(self, algo, obs_dim, act_dim, hidden, batch, lr):
        self.algo, self.d, self.batch = algo, act_dim, batch
        self.gamma, self.tau = 0.99, 0.005
        sac = algo == "sac"
        self.n_critics = 1 if algo == "ddpg" else 2
        self.policy_delay = 2 if algo == "td3" else 1
        self.target_noise, self.noise_clip = (0.2, 0.5) if algo == "td3" else (0.0, 0.0)
        self.action_noise = 0.1
        self.actor = mlp(obs_dim, hidden, 2 * act_dim if sac else act_dim)
        self.actor_target = copy_net(self.actor)
        self.critics = [mlp(obs_dim + act_dim, hidden, 1) for _ in range(self.n_critics)]
        self.targets = [copy_net(c) for c in self.critics]
        self.actor_opt = torch.optim.Adam(self.actor.parameters(), lr=lr)
        self.critic_opt = torch.optim.Adam(
            [p for c in self.critics for p in c.parameters()], lr=lr)
        self.log_alpha = torch.zeros(1, requires_grad=True)
        self.alpha_opt = torch.optim.Adam([self.log_alpha], lr=lr)
        self.target_entropy = -float(act_dim)
        self.updates = 0

    def sample(self, obs):
        out = self.actor(obs)
        mean, log_std = out[:, :self.d], out[:, self.d:].clamp(-20, 2)
        u = mean + log_std.exp() * torch.randn_like(mean)
        z = (u - mean) * torch.exp(-log_std)
        logp = (-0.5 * z * z - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)
        logp = logp - (2 * (math.log(2) - u - F.softplus(-2 * u))).sum(-1)
        return torch.tanh(u), logp

    def q(self, nets, obs, act):
        x = torch.cat([obs, act], 1)
        return [n(x).squeeze(1) for n in nets]

    def act(self, obs):
        with torch.no_grad():
            out = self.actor(torch.as_tensor(obs).unsqueeze(0))[0].numpy()
        if self.algo == "sac":
            u = out[:self.d] + np.exp(np.clip(out[self.d:], -20, 2)) * np.random.randn(self.d)
            return np.tanh(u)
        return np.clip(np.tanh(out) + self.action_noise * np.random.randn(self.d), -1, 1)

    def train(self, replay):
        obs, act, rew, nxt, term = replay.sample(self.batch)
        alpha = self.log_alpha.detach().exp()
        sac = self.algo == "sac"
        if sac:
            _, logp = self.sample(obs)
            alpha_loss = -(self.log_alpha * (logp + self.target_entropy).detach()).mean()
            self.alpha_opt.zero_grad()
            alpha_loss.backward()
            self.alpha_opt.step()
            alpha = self.log_alpha.detach().exp()
        with torch.no_grad():
            if sac:
                next_a, next_logp = self.sample(nxt)
            else:
                next_a = torch.tanh(self.actor_target(nxt))
                if self.target_noise > 0:
                    noise = (torch.randn_like(next_a) * self.target_noise).clamp(
                        -self.noise_clip, self.noise_clip)
                    next_a = (next_a + noise).clamp(-1, 1)
            next_q = torch.min(torch.stack(self.q(self.targets, nxt, next_a)), 0)[0]
            if sac:
                next_q = next_q - alpha * next_logp
            target = rew + (1 - term) * self.gamma * next_q
        loss = sum(F.mse_loss(q, target) for q in self.q(self.critics, obs, act))
        self.critic_opt.zero_grad()
        loss.backward()
        self.critic_opt.step()
        self.updates += 1
        if self.updates % self.policy_delay:
            return
        if sac:
            a_pi, logp = self.sample(obs)
            q = torch.min(*self.q(self.critics, obs, a_pi))
            actor_loss = (alpha * logp - q).mean()
        else:
            actor_loss = -self.q(self.critics[:1], obs, torch.tanh(self.actor(obs)))[0].mean()
        self.actor_opt.zero_grad()
        actor_loss.backward()
        self.actor_opt.step()
        for c, t in zip(self.critics, self.targets):
            polyak(c, t, self.tau)
        if not sac:
            polyak(self.actor, self.actor_target, self.tau)


def run_actor_critic(a, rng):
    env = Pendulum(rng)
    agent = ActorCriticAgent(a.algo, env.obs_dim, env.act_dim, a.hidden, a.batch, 1e-3)
    replay = Replay(a.steps, env.obs_dim, env.act_dim)
    obs, ret, finished = env.reset(), 0.0, []
    start, cpu_start = time.time(), time.process_time()
    for step in range(a.steps):
        y = (np.random.uniform(-1, 1, env.act_dim) if step < a.learning_starts
             else agent.act(obs))
        o2, r, term, trunc = env.step(env.low + 0.5 * (y + 1) * (env.high - env.low))
        replay.add(obs, y, r, o2, float(term))
        ret += r
        obs = o2
        if term or trunc:
            finished.append(ret)
            obs, ret = env.reset(), 0.0
        if step + 1 > a.learning_starts:
            agent.train(replay)
    return time.time() - start, time.process_time() - cpu_start, agent.updates, finished


def run_dqn(a, rng):
    env = CartPole(rng)
    q = mlp(env.obs_dim, a.hidden, env.n_actions)
    target = copy_net(q)
    lr0 = 2.3e-3
    opt = torch.optim.Adam(q.parameters(), lr=lr0)
    replay = Replay(100000, env.obs_dim, 1)
    gamma, train_freq, gradient_steps, target_interval = 0.99, 256, 128, 10
    frac, eps0, eps1 = 0.08, 1.0, 0.04
    obs, ret, finished, updates = env.reset(), 0.0, [], 0
    start, cpu_start = time.time(), time.process_time()
    for step in range(1, a.steps + 1):
        progress = (step - 1) / a.steps
        eps = eps1 if progress >= frac else eps0 + progress / frac * (eps1 - eps0)
        if step - 1 < a.learning_starts or random.random() < eps:
            act = random.randrange(env.n_actions)
        else:
            with torch.no_grad():
                act = int(q(torch.as_tensor(obs).unsqueeze(0)).argmax(1))
        o2, r, term, trunc = env.step(act)
        replay.add(obs, [act], r, o2, float(term))
        ret += r
        obs = o2
        if term or trunc:
            finished.append(ret)
            obs, ret = env.reset(), 0.0
        if step % target_interval == 0:
            polyak(q, target, 1.0)
        if step % train_freq == 0 and step > a.learning_starts:
            for g in opt.param_groups:
                g["lr"] = lr0 * max(1.0 - step / a.steps, 0.0)
            for _ in range(gradient_steps):
                o, ac, rw, nx, tm = replay.sample(a.batch)
                with torch.no_grad():
                    best = target(nx).max(1).values
                    y = rw + gamma * (1 - tm) * best
                qa = q(o).gather(1, ac.long()).squeeze(1)
                loss = F.smooth_l1_loss(qa, y)
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(q.parameters(), 10.0)
                opt.step()
                updates += 1
    return time.time() - start, time.process_time() - cpu_start, updates, finished


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--algo", required=True, choices=["sac", "td3", "ddpg", "dqn"])
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--hidden", default="64,64")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--learning-starts", type=int, default=100)
    a = p.parse_args()
    a.hidden = [int(h) for h in a.hidden.split(",")]
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    random.seed(a.seed)
    rng = random.Random(a.seed)
    run = run_dqn if a.algo == "dqn" else run_actor_critic
    secs, cpu, updates, finished = run(a, rng)
    recent = finished[-10:]
    mean = sum(recent) / len(recent) if recent else float("nan")
    print(f"algo={a.algo} steps={a.steps} seconds={secs:.2f} sps={a.steps / secs:.0f} "
          f"cpu_seconds={cpu:.2f} cpu_sps={a.steps / cpu:.0f} updates={updates} mean_return={mean:.2f}")


if __name__ == "__main__":
    main()
