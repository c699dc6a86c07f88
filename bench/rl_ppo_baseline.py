#!/usr/bin/env python3
"""Speed baseline for bench/rl_reference.sh: PPO on CartPole-v1 in plain
PyTorch, written the way a Python team would (per-env Python stepping,
torch for the networks), with the same hyperparameters as the C++ run
(rl-baselines3-zoo: 8 envs x 32 steps, batch 256, 20 epochs, gamma 0.98,
GAE 0.8, lr 1e-3 and clip 0.2 decayed linearly, 64x64 tanh actor and critic).

Gymnasium is not packaged for Debian, so CartPole-v1 is re-implemented below
with Gymnasium's equations (Euler integrator, 500-step limit).

Usage: python3 bench/rl_ppo_baseline.py [--steps N] [--seed S] [--threads T]
Prints one line: steps=N seconds=S sps=X mean_return=R
"""
import argparse
import math
import random
import time

import numpy as np
import torch
import torch.nn as nn


class CartPole:
    gravity, masscart, masspole, length = 9.8, 1.0, 0.1, 0.5
    force_mag, tau = 10.0, 0.02
    theta_threshold = 12 * 2 * math.pi / 360
    x_threshold = 2.4
    max_steps = 500

    def __init__(self, rng):
        self.rng = rng
        self.reset()

    def reset(self):
        self.state = [self.rng.uniform(-0.05, 0.05) for _ in range(4)]
        self.t = 0
        return np.array(self.state, dtype=np.float32)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta, sintheta = math.cos(theta), math.sin(theta)
        total_mass = self.masspole + self.masscart
        polemass_length = self.masspole * self.length
        temp = (force + polemass_length * theta_dot ** 2 * sintheta) / total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta ** 2 / total_mass))
        xacc = temp - polemass_length * thetaacc * costheta / total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = [x, x_dot, theta, theta_dot]
        self.t += 1
        terminated = (x < -self.x_threshold or x > self.x_threshold or
                      theta < -self.theta_threshold or theta > self.theta_threshold)
        truncated = self.t >= self.max_steps
        return np.array(self.state, dtype=np.float32), 1.0, terminated, truncated


def mlp(inp, out, gain):
    layers = [nn.Linear(inp, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, out)]
    for layer in layers:
        if isinstance(layer, nn.Linear):
            nn.init.orthogonal_(layer.weight, math.sqrt(2))
            nn.init.zeros_(layer.bias)
    nn.init.orthogonal_(layers[-1].weight, gain)
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=100000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    n_envs, n_steps, batch, epochs = 8, 32, 256, 20
    gamma, lam, lr0, clip0, vf_coef, max_grad = 0.98, 0.8, 1e-3, 0.2, 0.5, 0.5
    actor, critic = mlp(4, 2, 0.01), mlp(4, 1, 1.0)
    params = list(actor.parameters()) + list(critic.parameters())
    opt = torch.optim.Adam(params, lr=lr0, eps=1e-5)
    envs = [CartPole(rng) for _ in range(n_envs)]
    obs = np.stack([e.reset() for e in envs])
    ep_ret = [0.0] * n_envs
    finished = []
    steps = 0
    start = time.time()
    while steps < a.steps:
        b_obs = np.zeros((n_steps, n_envs, 4), np.float32)
        b_act = np.zeros((n_steps, n_envs), np.int64)
        b_logp = np.zeros((n_steps, n_envs), np.float32)
        b_val = np.zeros((n_steps, n_envs), np.float32)
        b_rew = np.zeros((n_steps, n_envs), np.float32)
        b_done = np.zeros((n_steps, n_envs), np.float32)
        for t in range(n_steps):
            with torch.no_grad():
                o = torch.as_tensor(obs)
                dist = torch.distributions.Categorical(logits=actor(o))
                act = dist.sample()
                logp = dist.log_prob(act)
                val = critic(o).squeeze(-1)
            b_obs[t], b_act[t], b_logp[t], b_val[t] = obs, act.numpy(), logp.numpy(), val.numpy()
            for i, env in enumerate(envs):
                o2, r, term, trunc = env.step(int(act[i]))
                ep_ret[i] += r
                if trunc and not term:
                    with torch.no_grad():
                        r += gamma * critic(torch.as_tensor(o2)).item()
                if term or trunc:
                    finished.append(ep_ret[i])
                    ep_ret[i] = 0.0
                    o2 = env.reset()
                b_rew[t, i], b_done[t, i] = r, float(term or trunc)
                obs[i] = o2
            steps += n_envs
        with torch.no_grad():
            last = critic(torch.as_tensor(obs)).squeeze(-1).numpy()
        adv = np.zeros_like(b_rew)
        gae = np.zeros(n_envs, np.float32)
        for t in reversed(range(n_steps)):
            nxt = last if t == n_steps - 1 else b_val[t + 1]
            delta = b_rew[t] + gamma * nxt * (1 - b_done[t]) - b_val[t]
            gae = delta + gamma * lam * (1 - b_done[t]) * gae
            adv[t] = gae
        ret = adv + b_val
        remaining = max(1.0 - steps / a.steps, 0.0)
        lr, clip = lr0 * remaining, clip0 * remaining
        for g in opt.param_groups:
            g["lr"] = lr
        f_obs = torch.as_tensor(b_obs.reshape(-1, 4))
        f_act = torch.as_tensor(b_act.reshape(-1))
        f_logp = torch.as_tensor(b_logp.reshape(-1))
        f_adv = torch.as_tensor(adv.reshape(-1))
        f_ret = torch.as_tensor(ret.reshape(-1))
        n = f_obs.shape[0]
        for _ in range(epochs):
            perm = torch.randperm(n)
            for s in range(0, n, batch):
                idx = perm[s:s + batch]
                dist = torch.distributions.Categorical(logits=actor(f_obs[idx]))
                logp = dist.log_prob(f_act[idx])
                mb_adv = f_adv[idx]
                mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
                ratio = torch.exp(logp - f_logp[idx])
                pg = -torch.min(mb_adv * ratio, mb_adv * torch.clamp(ratio, 1 - clip, 1 + clip)).mean()
                v_loss = ((critic(f_obs[idx]).squeeze(-1) - f_ret[idx]) ** 2).mean()
                loss = pg + vf_coef * v_loss
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(params, max_grad)
                opt.step()
    secs = time.time() - start
    recent = finished[-100:]
    mean = sum(recent) / len(recent) if recent else float("nan")
    print(f"steps={steps} seconds={secs:.2f} sps={steps / secs:.0f} mean_return={mean:.2f}")


if __name__ == "__main__":
    main()
